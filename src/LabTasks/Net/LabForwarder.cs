using System.Net;
using System.Net.Sockets;
using VirtLab.Util;

namespace VirtLab.Net;

/// <summary>
/// A TCP forwarder from 127.0.0.1:&lt;ephemeral port&gt; in the process's own namespace to an address
/// inside a lab network namespace, so code in the root namespace (SSH.NET) can reach a guest
/// without any thread or route of this process entering the lab.
/// </summary>
/// <remarks>
/// Only the lab-side socket is created in the lab (see <see cref="NetworkNamespace.ConnectInNamespace"/>);
/// accepting and copying run on ordinary root-namespace threads.
/// </remarks>
public sealed class LabForwarder : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<Connection> _connections = [];
    private readonly Lock _sync = new();
    private readonly Task _acceptLoop;
    private long _accepted, _failed, _bytesToLab, _bytesFromLab;
    private volatile Exception? _lastError;
    private bool _disposed;

    private LabForwarder(string netnsName, IPEndPoint target, TimeSpan connectTimeout)
    {
        NetnsName = netnsName;
        Target = target;
        ConnectTimeout = connectTimeout;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(16);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts forwarding 127.0.0.1:<see cref="Port"/> to <paramref name="target"/>:<paramref name="targetPort"/> inside <paramref name="netnsName"/>.</summary>
    public static LabForwarder Start(string netnsName, IPAddress target, int targetPort, TimeSpan? connectTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!NetworkNamespace.Exists(netnsName))
            throw new LabException(LabCodes.LabNetwork, $"Network namespace '{netnsName}' does not exist.",
                $"bring the lab up first (ip netns list shows the namespaces)");
        // The listener must be in the root namespace, and so must the threads we are about to create.
        var here = NetworkNamespace.CurrentNamespaceId();
        var process = NetworkNamespace.ProcessNamespaceId();
        if (here != process)
            throw new LabException(LabCodes.LabNetwork,
                $"LabForwarder.Start was called from a thread in namespace {here}, not the process's {process}.");
        return new LabForwarder(netnsName, new IPEndPoint(target, targetPort), connectTimeout ?? TimeSpan.FromSeconds(5));
    }

    public string NetnsName { get; }
    public IPEndPoint Target { get; }
    public TimeSpan ConnectTimeout { get; }
    public IPEndPoint LocalEndPoint { get; }
    public int Port => LocalEndPoint.Port;

    /// <summary>Connections accepted on the loopback port (including those whose lab side failed).</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);
    /// <summary>Accepted connections closed because the lab-side connect failed.</summary>
    public long ConnectionsFailed => Interlocked.Read(ref _failed);
    public int ActiveConnections { get { lock (_sync) return _connections.Count; } }
    public long BytesToLab => Interlocked.Read(ref _bytesToLab);
    public long BytesFromLab => Interlocked.Read(ref _bytesFromLab);
    /// <summary>The last lab-side connect or copy failure, for diagnostics.</summary>
    public Exception? LastError => _lastError;

    public override string ToString() =>
        $"127.0.0.1:{Port} -> {Target} in '{NetnsName}': {ConnectionsAccepted} accepted, {ConnectionsFailed} failed, " +
        $"{ActiveConnections} open, {BytesToLab} B to lab, {BytesFromLab} B from lab" +
        (LastError is null ? "" : $", last error: {LastError.Message}");

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                _lastError = e;
                continue;
            }
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        Socket lab;
        try
        {
            lab = NetworkNamespace.ConnectInNamespace(NetnsName, Target.Address, Target.Port, ConnectTimeout);
        }
        catch (Exception e)
        {
            _lastError = e;
            Interlocked.Increment(ref _failed);
            client.Dispose();
            return;
        }

        var connection = new Connection(client, lab);
        lock (_sync)
        {
            if (_disposed)
            {
                connection.Close();
                return;
            }
            _connections.Add(connection);
        }
        try
        {
            await Task.WhenAll(
                PumpAsync(client, lab, n => Interlocked.Add(ref _bytesToLab, n)),
                PumpAsync(lab, client, n => Interlocked.Add(ref _bytesFromLab, n)));
        }
        finally
        {
            connection.Close();
            lock (_sync) _connections.Remove(connection);
        }
    }

    // Copies until EOF, then half-closes the other side so a client's shutdown(SEND) reaches the
    // server; any error closes the whole connection.
    private async Task PumpAsync(Socket from, Socket to, Action<int> count)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                var sent = 0;
                while (sent < n)
                    sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, _stop.Token);
                count(n);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_stop.IsCancellationRequested && e is SocketException { SocketErrorCode: not SocketError.ConnectionReset })
                _lastError = e;
            from.Dispose();
            to.Dispose();
        }
    }

    public void Dispose()
    {
        Connection[] open;
        lock (_sync)
        {
            if (_disposed) return;
            _disposed = true;
            open = [.. _connections];
        }
        _stop.Cancel();
        _listener.Dispose();
        foreach (var c in open) c.Close();
        try { _acceptLoop.Wait(TimeSpan.FromSeconds(2)); }
        catch (AggregateException e) { _lastError = e.InnerException; }
    }

    private sealed class Connection(Socket client, Socket lab)
    {
        public void Close()
        {
            client.Dispose();
            lab.Dispose();
        }
    }
}
