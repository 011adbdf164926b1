namespace VirtLab.Migration;

/// <summary>
/// The output of a running helper, line by line, each line stamped with this machine's clock as it
/// arrives (read on dedicated threads, not the thread pool: a line must be stamped when it comes,
/// even while SSH sessions and forwarders keep the pool busy). Shared by <see cref="LabProcess"/>
/// and <see cref="Remote.RemoteProcess"/>.
/// </summary>
public abstract class TimedOutput
{
    private readonly List<TimedLine> _lines = [];
    private Thread[] _readers = [];

    public abstract bool HasExited { get; }

    public IReadOnlyList<TimedLine> Lines { get { lock (_lines) return [.. _lines]; } }

    public string Output => string.Join('\n', Lines.Select(l => l.Text));

    /// <summary>Waits until a line matching <paramref name="match"/> arrived; false on timeout or exit.</summary>
    public bool WaitForLine(Func<TimedLine, bool> match, TimeSpan timeout, CancellationToken cancel = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            cancel.ThrowIfCancellationRequested();
            if (Lines.Any(match)) return true;
            if (HasExited)
            {
                JoinReaders();
                return Lines.Any(match);
            }
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Starts reading <paramref name="output"/> and <paramref name="error"/> until they end.</summary>
    protected void Read(TextReader output, TextReader error) => _readers = [Reader(output, false), Reader(error, true)];

    protected void JoinReaders()
    {
        foreach (var t in _readers) t.Join(TimeSpan.FromSeconds(5));
    }

    private Thread Reader(TextReader stream, bool isError)
    {
        var thread = new Thread(() =>
        {
            try
            {
                while (stream.ReadLine() is { } line)
                    lock (_lines) _lines.Add(new TimedLine(DateTimeOffset.UtcNow, line, isError));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        }) { IsBackground = true, Name = "VirtLab helper output" };
        thread.Start();
        return thread;
    }
}
