using System.Net;
using VirtLab.Net;

namespace VirtLab.Remote;

/// <summary>
/// Where SSH.NET connects to reach a host: the host itself, or — when the connection must start in
/// another network namespace — a loopback port of a <see cref="LabForwarder"/> whose far-side
/// socket is opened inside that namespace.
/// </summary>
/// <remarks>
/// SSH.NET 2026.0.0 opens its own socket from ConnectionInfo's host and port: its socket factory
/// and connectors are internal, and no public constructor takes a Socket or Stream. Entering the
/// namespace on the connecting thread would move every thread the runtime starts from it (socket
/// engine, thread pool) into that namespace too. So SSH.NET talks to 127.0.0.1 in this process's
/// namespace — the only address it sends to there — and every socket that carries the SSH
/// session beyond this process is created in the named namespace by
/// <see cref="NetworkNamespace.ConnectInNamespace"/>: no packet to the host's address leaves from
/// here, and the rig's LAN is reached only from its operator namespace.
/// </remarks>
public sealed class HostConnector : IDisposable
{
    private readonly LabForwarder? _forwarder;

    private HostConnector(string host, int port, LabForwarder? forwarder)
    {
        Host = host;
        Port = port;
        _forwarder = forwarder;
    }

    /// <summary>What SSH.NET's ConnectionInfo gets.</summary>
    public string Host { get; }
    public int Port { get; }

    /// <summary>Why the namespace side could not connect, when it could not (null otherwise).</summary>
    public string? FailureReason => _forwarder?.LastError?.Message;

    public static HostConnector Open(string address, int port, RemoteHostOptions options)
    {
        if (options.Namespace.Length == 0) return new HostConnector(address, port, null);
        // Names are not resolved inside the namespace: the rig and a namespaced build use addresses.
        if (!IPAddress.TryParse(address, out var ip))
            throw new ArgumentException($"'{address}' is not an IP address; a connection from namespace '{options.Namespace}' needs one.", nameof(address));
        var forwarder = LabForwarder.Start(options.Namespace, ip, port, options.ConnectTimeout);
        return new HostConnector(IPAddress.Loopback.ToString(), forwarder.Port, forwarder);
    }

    public void Dispose() => _forwarder?.Dispose();
}
