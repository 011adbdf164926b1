using System.Net;
using System.Text;
using System.Net.Sockets;
using System.Text.Json;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// A synchronous client for QEMU's QMP unix socket: one command at a time, every wait bounded.
/// A background reader thread files events (which QEMU may send at any time, also between a
/// command and its reply) and hands replies to the waiting command, matched by "id".
/// </summary>
public sealed class QmpClient : IDisposable
{
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinHandshakeTime = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly Thread _reader;
    private readonly Lock _commandLock = new();
    private readonly object _sync = new(); // guards everything below; pulsed on every message and on close
    private readonly List<QmpEvent> _events = [];
    private JsonElement? _greeting;
    private long _nextId;
    private long _pendingId = -1;
    private JsonElement? _reply;
    private bool _closed;
    private string? _closeReason;
    private bool _disposed;
    private IDisposable? _carrier;

    private QmpClient(Socket socket, string socketPath)
    {
        _socket = socket;
        SocketPath = socketPath;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "VirtLab QMP" };
        _reader.Start();
    }

    public string SocketPath { get; }

    /// <summary>The "QMP" object of QEMU's greeting (version, capabilities).</summary>
    public JsonElement Greeting { get { lock (_sync) return _greeting!.Value; } }

    public IReadOnlyList<QmpEvent> Events { get { lock (_sync) return [.. _events]; } }

    /// <summary>True once QEMU closed the connection (or it was disposed).</summary>
    public bool IsClosed { get { lock (_sync) return _closed; } }

    /// <summary>
    /// Connects to <paramref name="socketPath"/>, retrying until <paramref name="timeout"/> while QEMU
    /// creates the socket, then reads the greeting and leaves capabilities negotiation mode.
    /// </summary>
    /// <param name="outOfBand">Also enable QMP's "oob" capability, for <see cref="ExecuteOutOfBand"/>.</param>
    public static QmpClient Connect(string socketPath, TimeSpan timeout, bool outOfBand = false) =>
        Connect(new UnixDomainSocketEndPoint(socketPath), socketPath, timeout, outOfBand);

    /// <summary>Connects to a QMP monitor on a TCP endpoint (a remote host's QEMU, through an SSH-forwarded port); <paramref name="name"/> names it in errors.</summary>
    public static QmpClient Connect(IPEndPoint endpoint, string name, TimeSpan timeout, bool outOfBand = false) =>
        Connect((EndPoint)endpoint, name, timeout, outOfBand);

    private static QmpClient Connect(EndPoint endpoint, string socketPath, TimeSpan timeout, bool outOfBand)
    {
        var deadline = DateTime.UtcNow + timeout;
        var socket = ConnectSocket(endpoint, socketPath, deadline);
        var client = new QmpClient(socket, socketPath);
        try
        {
            var handshakeDeadline = Later(deadline, DateTime.UtcNow + MinHandshakeTime);
            client.WaitForGreeting(handshakeDeadline);
            if (outOfBand && !client.OffersOutOfBand)
                throw new LabException(LabCodes.Qmp, $"The QMP monitor on {socketPath} does not offer out-of-band commands.", "start QEMU with -qmp on a socket chardev (VirtLab does).");
            client.Execute("qmp_capabilities", outOfBand ? new Dictionary<string, object> { ["enable"] = new[] { "oob" } } : null, Remaining(handshakeDeadline));
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Runs a QMP command and returns its "return" value; a QMP error becomes a LAB0043.</summary>
    public JsonElement Execute(string command, object? arguments = null, TimeSpan? timeout = null)
    {
        var reply = Send(command, arguments, timeout ?? DefaultCommandTimeout, tolerateClose: false)!.Value;
        if (reply.TryGetProperty("error", out var error))
            throw new LabException(LabCodes.Qmp,
                $"{command}: {StringOr(error, "class", "UnknownError")}: {StringOr(error, "desc", error.GetRawText())}");
        return reply.GetProperty("return");
    }

    /// <summary>
    /// Runs a QMP command whose refusal is an answer, not a failure: QEMU's error (class and
    /// description) is returned instead of thrown, and null means QEMU accepted it. A connection
    /// that is closed or silent still throws LAB0043.
    /// </summary>
    public QmpError? TryExecute(string command, object? arguments = null, TimeSpan? timeout = null)
    {
        var reply = Send(command, arguments, timeout ?? DefaultCommandTimeout, tolerateClose: false)!.Value;
        return reply.TryGetProperty("error", out var error)
            ? new QmpError(command, StringOr(error, "class", "UnknownError"), StringOr(error, "desc", error.GetRawText()))
            : null;
    }

    /// <summary>"7.2.22": the version QEMU's greeting announces (major.minor.micro).</summary>
    public string Version => VersionOf(Greeting);

    /// <summary>"7.2.22" from a greeting's "QMP" object ({"version": {"qemu": {"major", "minor", "micro"}}}); "unknown" without one.</summary>
    public static string VersionOf(JsonElement greeting) =>
        greeting.ValueKind == JsonValueKind.Object && greeting.TryGetProperty("version", out var v) && v.TryGetProperty("qemu", out var q)
        && q.TryGetProperty("major", out var major) && q.TryGetProperty("minor", out var minor) && q.TryGetProperty("micro", out var micro)
            ? $"{major.GetRawText()}.{minor.GetRawText()}.{micro.GetRawText()}"
            : "unknown";

    /// <summary>
    /// Runs a command out of band ("exec-oob"): QEMU's monitor thread answers it even while the main
    /// loop is blocked — on a postcopy destination, on a guest page that has not arrived. Only
    /// commands QEMU marks allow-oob qualify (migrate-pause, migrate-recover); needs Connect(outOfBand: true).
    /// </summary>
    public JsonElement ExecuteOutOfBand(string command, object? arguments = null, TimeSpan? timeout = null)
    {
        var reply = Send(command, arguments, timeout ?? DefaultCommandTimeout, tolerateClose: false, outOfBand: true)!.Value;
        if (reply.TryGetProperty("error", out var error))
            throw new LabException(LabCodes.Qmp,
                $"{command} (out of band): {StringOr(error, "class", "UnknownError")}: {StringOr(error, "desc", error.GetRawText())}");
        return reply.GetProperty("return");
    }

    private bool OffersOutOfBand =>
        Greeting.TryGetProperty("capabilities", out var caps) && caps.ValueKind == JsonValueKind.Array
        && caps.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.String && c.GetString() == "oob");

    public string QueryStatus() => Execute("query-status").GetProperty("status").GetString()!;

    /// <summary>
    /// Sends "quit" (QEMU may close the socket before or after replying) and waits for the
    /// connection to close. Returns false if it is still open when <paramref name="timeout"/> ends.
    /// </summary>
    public bool Quit(TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + bound;
        var reply = Send("quit", null, bound, tolerateClose: true);
        if (reply is { } r && r.TryGetProperty("error", out var error))
            throw new LabException(LabCodes.Qmp, $"quit: {StringOr(error, "class", "UnknownError")}: {StringOr(error, "desc", "")}");
        return WaitForClose(Remaining(deadline));
    }

    /// <summary>Waits until QEMU closes the connection (for example after it exited).</summary>
    public bool WaitForClose(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_sync)
        {
            while (!_closed)
                if (!WaitUntil(deadline)) return false;
            return true;
        }
    }

    /// <summary>
    /// Returns the first event named <paramref name="name"/> (and matching <paramref name="match"/>)
    /// at index <paramref name="startIndex"/> or later in <see cref="Events"/>, waiting for it if
    /// needed. Throws LAB0043 on timeout or when the connection closes first.
    /// </summary>
    public QmpEvent WaitForEvent(string name, TimeSpan timeout, Func<QmpEvent, bool>? match = null, int startIndex = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_sync)
        {
            var next = startIndex;
            while (true)
            {
                for (; next < _events.Count; next++)
                    if (_events[next].Name == name && (match is null || match(_events[next])))
                        return _events[next];
                if (_closed)
                    throw new LabException(LabCodes.Qmp, $"The QMP connection closed before a {name} event arrived ({_closeReason}).");
                if (!WaitUntil(deadline))
                    throw new LabException(LabCodes.Qmp, $"No {name} event from QEMU within {timeout.TotalSeconds:0.###} s.");
            }
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed) return;
            _disposed = true;
        }
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        _socket.Dispose();
        _reader.Join(TimeSpan.FromSeconds(2));
        MarkClosed("disposed");
        _carrier?.Dispose();
    }

    /// <summary>Closes <paramref name="carrier"/> (the SSH forward this connection runs through) with the client.</summary>
    public QmpClient ClosingWith(IDisposable carrier)
    {
        _carrier = carrier;
        return this;
    }

    private JsonElement? Send(string command, object? arguments, TimeSpan timeout, bool tolerateClose, bool outOfBand = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var deadline = DateTime.UtcNow + timeout;
        lock (_commandLock)
        {
            long id;
            lock (_sync)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_closed)
                {
                    if (tolerateClose) return null;
                    throw Closed(command);
                }
                id = ++_nextId;
                _pendingId = id;
                _reply = null;
            }
            try
            {
                _socket.Send(Serialize(command, arguments, id, outOfBand));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (tolerateClose) return null;
                throw new LabException(LabCodes.Qmp, $"{command}: cannot send to QEMU: {e.Message}", inner: e);
            }
            lock (_sync)
            {
                try
                {
                    while (_reply is null)
                    {
                        if (_closed)
                        {
                            if (tolerateClose) return null;
                            throw Closed(command);
                        }
                        if (!WaitUntil(deadline))
                            throw new LabException(LabCodes.Qmp, $"{command}: no reply from QEMU within {timeout.TotalSeconds:0.###} s.");
                    }
                    return _reply;
                }
                finally
                {
                    _pendingId = -1;
                    _reply = null;
                }
            }
        }
    }

    private static byte[] Serialize(string command, object? arguments, long id, bool outOfBand)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString(outOfBand ? "exec-oob" : "execute", command);
            if (arguments is not null)
            {
                w.WritePropertyName("arguments");
                JsonSerializer.Serialize(w, arguments, arguments.GetType());
            }
            w.WriteNumber("id", id);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private void WaitForGreeting(DateTime deadline)
    {
        lock (_sync)
        {
            while (_greeting is null)
            {
                if (_closed)
                    throw new LabException(LabCodes.Qmp, $"QEMU closed {SocketPath} before its QMP greeting ({_closeReason}).");
                if (!WaitUntil(deadline))
                    throw new LabException(LabCodes.Qmp, $"No QMP greeting on {SocketPath}.",
                        "QEMU serves one QMP client at a time: check that no other client is connected");
            }
        }
    }

    // QEMU sends one JSON object per line (compact output; "pretty" QMP is not supported).
    private void ReadLoop()
    {
        try
        {
            using var stream = new NetworkStream(_socket, ownsSocket: false);
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            while (reader.ReadLine() is { } line)
                if (line.Length > 0) Dispatch(line);
            MarkClosed("QEMU closed the connection");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or JsonException)
        {
            MarkClosed(e.Message);
        }
    }

    private void Dispatch(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var message = doc.RootElement.Clone();
        lock (_sync)
        {
            if (message.TryGetProperty("event", out var name))
                _events.Add(new QmpEvent(name.GetString() ?? "", DataOf(message), TimestampOf(message), DateTimeOffset.UtcNow, System.Diagnostics.Stopwatch.GetTimestamp()));
            else if (message.TryGetProperty("QMP", out var greeting))
                _greeting = greeting;
            else if (message.TryGetProperty("return", out _) || message.TryGetProperty("error", out _))
            {
                // A reply without "id" is QEMU's answer to input it could not parse: it belongs to the pending command.
                var isPending = !message.TryGetProperty("id", out var id) || (id.ValueKind == JsonValueKind.Number && id.GetInt64() == _pendingId);
                if (_pendingId >= 0 && isPending) _reply = message;
            }
            Monitor.PulseAll(_sync);
        }
    }

    private void MarkClosed(string reason)
    {
        lock (_sync)
        {
            if (_closed) return;
            _closed = true;
            _closeReason = reason;
            Monitor.PulseAll(_sync);
        }
    }

    private static Socket ConnectSocket(EndPoint endpoint, string socketPath, DateTime deadline)
    {
        Exception? last = null;
        while (true)
        {
            var socket = endpoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { SendTimeout = 10_000 }
                : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { SendTimeout = 10_000, NoDelay = true };
            try
            {
                socket.Connect(endpoint);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            if (DateTime.UtcNow >= deadline)
                throw new LabException(LabCodes.Qmp, $"Cannot connect to the QMP socket {socketPath}: {last.Message}.",
                    "check that QEMU started (its log and pidfile) and that -qmp names this path", inner: last);
            Thread.Sleep(50);
        }
    }

    // Call with _sync held. False when the deadline has passed.
    private bool WaitUntil(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        if (left <= TimeSpan.Zero) return false;
        Monitor.Wait(_sync, left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        return true;
    }

    private LabException Closed(string command) =>
        new(LabCodes.Qmp, $"{command}: the QMP connection is closed ({_closeReason}).", "QEMU has probably exited; check its log");

    private static JsonElement DataOf(JsonElement message) =>
        message.TryGetProperty("data", out var data) ? data : default;

    private static DateTimeOffset TimestampOf(JsonElement message)
    {
        if (message.TryGetProperty("timestamp", out var t)
            && t.TryGetProperty("seconds", out var s) && s.TryGetInt64(out var seconds) && seconds >= 0
            && t.TryGetProperty("microseconds", out var us) && us.TryGetInt64(out var micros))
            return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * 10);
        return DateTimeOffset.UtcNow;
    }

    private static string StringOr(JsonElement obj, string property, string fallback) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : fallback;

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;
}
