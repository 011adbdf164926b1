namespace VirtLab.Migration;

/// <summary>
/// A long-running helper on a host (ping, iperf3, tcpdump) whose output lines are stamped as they
/// arrive: a <see cref="LabProcess"/> in a lab namespace here, or a <see cref="Remote.RemoteProcess"/> on a remote host.
/// </summary>
public interface IHostProcess : IDisposable
{
    bool HasExited { get; }
    int? ExitCode { get; }
    IReadOnlyList<TimedLine> Lines { get; }
    string Output { get; }
    /// <summary>Waits until a line matching <paramref name="match"/> arrived; false on timeout or exit.</summary>
    bool WaitForLine(Func<TimedLine, bool> match, TimeSpan timeout, CancellationToken cancel = default);
    /// <summary>Sends <paramref name="signal"/>, then KILL after the grace time.</summary>
    void Stop(string signal = "INT", TimeSpan? grace = null);
}
