using System.Net;
using Renci.SshNet;
using Renci.SshNet.Common;
using VirtLab.Net;
using VirtLab.Util;

namespace VirtLab.Ssh;

/// <summary>
/// An SSH session with a guest in the lab: SSH.NET talks to a loopback forwarder whose lab-side
/// socket lives in the lab namespace, so the root namespace never routes into the lab. The guest's
/// host key is pinned; any other key ends the connection.
/// </summary>
public sealed class GuestSsh : IDisposable
{
    private readonly IDisposable? _forwarder;
    private readonly SshClient _client;

    private GuestSsh(IDisposable? forwarder, SshClient client)
    {
        _forwarder = forwarder;
        _client = client;
    }

    /// <summary>
    /// <paramref name="netns"/> is the lab's network namespace; "" means the guest is bridged in
    /// the root namespace (host-NIC mode on a real host) and is reached directly.
    /// </summary>
    public static GuestSsh Connect(string netns, IPAddress address, string privateKeyFile, string pinnedHostKeyFile, TimeSpan timeout)
    {
        var forwarder = netns.Length == 0 ? null : LabForwarder.Start(netns, address, 22);
        var (host, port) = forwarder is null ? (address.ToString(), 22) : ("127.0.0.1", forwarder.Port);
        return Open(forwarder, host, port, address, privateKeyFile, pinnedHostKeyFile, timeout);
    }

    /// <summary>
    /// A guest on a remote host's bridge, reached through <paramref name="tunnel"/>: a forward from
    /// 127.0.0.1:<paramref name="localPort"/> here to the guest's port 22 as that host sees it. The
    /// tunnel is closed with the session (also when connecting fails).
    /// </summary>
    public static GuestSsh ConnectThrough(IDisposable tunnel, int localPort, IPAddress address, string privateKeyFile, string pinnedHostKeyFile, TimeSpan timeout) =>
        Open(tunnel, "127.0.0.1", localPort, address, privateKeyFile, pinnedHostKeyFile, timeout);

    private static GuestSsh Open(IDisposable? forwarder, string host, int port, IPAddress address, string privateKeyFile, string pinnedHostKeyFile, TimeSpan timeout)
    {
        byte[] pinned;
        PrivateKeyFile key;
        try
        {
            pinned = PinnedKey.Load(pinnedHostKeyFile);
            key = new PrivateKeyFile(privateKeyFile);
        }
        catch
        {
            forwarder?.Dispose();
            throw;
        }
        var info = new ConnectionInfo(host, port, "root", new PrivateKeyAuthenticationMethod("root", key))
        {
            Timeout = timeout,
        };
        var client = new SshClient(info);
        var mismatch = false;
        client.HostKeyReceived += (_, e) =>
        {
            e.CanTrust = e.HostKey.AsSpan().SequenceEqual(pinned);
            mismatch |= !e.CanTrust;
        };
        try
        {
            client.Connect();
            client.KeepAliveInterval = TimeSpan.FromSeconds(5);
            return new GuestSsh(forwarder, client);
        }
        catch (Exception e) when (e is SshException or System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            client.Dispose();
            forwarder?.Dispose();
            if (mismatch)
                throw new LabException(LabCodes.HostKeyMismatch,
                    $"The guest at {address} presented a host key that is not the one pinned in {pinnedHostKeyFile}.",
                    "if you rebuilt the guest image, build again (the pin follows the image); otherwise something else answers at that address.");
            throw;
        }
    }

    public CommandResult Run(string commandText, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var command = _client.CreateCommand(commandText);
        command.CommandTimeout = timeout;
        using var registration = cancellationToken.Register(() => { try { command.CancelAsync(); } catch (Exception) { } });
        try
        {
            command.Execute();
        }
        catch (SshOperationTimeoutException)
        {
            throw new TimeoutException($"'{commandText}' did not finish in the guest within {timeout.TotalSeconds:0} s.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        return new CommandResult(command.ExitStatus ?? -1, command.Result, command.Error);
    }

    public void Dispose()
    {
        try { _client.Disconnect(); } catch (Exception) { }
        _client.Dispose();
        _forwarder?.Dispose();
    }
}
