using System.Diagnostics;
using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// A long-running program inside the lab namespace whose output is read line by line as it
/// arrives, so a time series can be stamped with the host's clock (ping, iperf3 --forceflush,
/// tcpdump). It runs in its own session (setsid); stopping it signals the whole group.
/// </summary>
public sealed class LabProcess : IHostProcess
{
    private readonly Process _process;
    private readonly List<TimedLine> _lines = [];
    private Thread[] _readers = [];

    private LabProcess(Process process) => _process = process;

    public static LabProcess Start(string netns, string program, IReadOnlyList<string> arguments)
    {
        var psi = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in Lab.LabCommand.HelperArguments(netns, program, arguments)) psi.ArgumentList.Add(a);
        Lab.LabHelperMark.Apply(psi, netns);
        var process = Process.Start(psi) ?? throw new LabException(LabCodes.MissingTool, $"Cannot start {program} in the lab.", ToolRegistry.InstallHint(program));
        var lab = new LabProcess(process);
        // Dedicated reader threads, not the thread pool: a line must be stamped when it arrives,
        // even while SSH sessions and forwarders keep the pool's few threads busy.
        lab._readers = [lab.Reader(process.StandardOutput, false), lab.Reader(process.StandardError, true)];
        process.StandardInput.Close();
        return lab;
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

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
            if (_process.HasExited)
            {
                JoinReaders();
                return Lines.Any(match);
            }
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Sends <paramref name="signal"/> (INT lets ping, iperf3 and tcpdump print their summary) to the group; then KILL after the grace time.</summary>
    public void Stop(string signal = "INT", TimeSpan? grace = null)
    {
        if (!_process.HasExited)
        {
            Signal(signal);
            if (!_process.WaitForExit((int)(grace ?? TimeSpan.FromSeconds(5)).TotalMilliseconds))
            {
                Signal("KILL");
                _process.WaitForExit(5000);
            }
        }
        if (_process.HasExited) JoinReaders();
    }

    public void Dispose()
    {
        Stop("KILL", TimeSpan.FromSeconds(5));
        // Process.Dispose leaves streams that were read open until the GC finalizes them.
        _process.StandardOutput.Dispose();
        _process.StandardError.Dispose();
        _process.Dispose();
    }

    private void Signal(string signal) =>
        ProcessRunner.Run("kill", [$"-{signal}", "--", "-" + _process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    private Thread Reader(StreamReader stream, bool isError)
    {
        var thread = new Thread(() =>
        {
            try
            {
                while (stream.ReadLine() is { } line)
                    lock (_lines) _lines.Add(new TimedLine(DateTimeOffset.UtcNow, line, isError));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        }) { IsBackground = true, Name = "VirtLab lab process output" };
        thread.Start();
        return thread;
    }

    private void JoinReaders()
    {
        foreach (var t in _readers) t.Join(TimeSpan.FromSeconds(5));
    }
}
