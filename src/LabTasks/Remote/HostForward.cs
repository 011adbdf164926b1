using System.Net;
using Renci.SshNet;

namespace VirtLab.Remote;

/// <summary>A local port forwarded over a host's SSH session (<see cref="RemoteHost.Forward"/>); disposing closes it.</summary>
public sealed class HostForward : IDisposable
{
    private readonly RemoteHost _host;
    private readonly ForwardedPortLocal _forward;
    private bool _disposed;

    internal HostForward(RemoteHost host, ForwardedPortLocal forward)
    {
        _host = host;
        _forward = forward;
        Local = new IPEndPoint(IPAddress.Loopback, checked((int)forward.BoundPort));
    }

    /// <summary>Where to connect here: 127.0.0.1 and the port SSH.NET bound.</summary>
    public IPEndPoint Local { get; }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _host.RemoveForward(_forward);
    }
}
