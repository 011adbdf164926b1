using System.Globalization;
using VirtLab.Ssh;
using VirtLab.Sysbench;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// A program running in the background in the guest, its output in a log file in the guest's
/// /tmp (guest RAM, so it migrates with the guest). A background job of a non-interactive shell
/// starts with SIGINT ignored: programs that handle SIGINT themselves (stress-ng, iperf3) are
/// stopped with it and print their summary; others (sysbench) need SIGTERM.
/// </summary>
internal sealed class GuestJob
{
    private GuestJob(int pid, string logFile, DateTimeOffset startedAt)
    {
        Pid = pid;
        LogFile = logFile;
        StartedAt = startedAt;
    }

    public int Pid { get; }
    public string LogFile { get; }

    /// <summary>Host time when the job started (midway through the SSH request that started it).</summary>
    public DateTimeOffset StartedAt { get; }

    public static GuestJob Start(GuestSsh ssh, IReadOnlyList<string> command, string logFile, CancellationToken cancel)
    {
        var text = $"{SysbenchCommand.ShellJoin(command)} </dev/null >{SysbenchCommand.ShellQuote(logFile)} 2>&1 & echo $!";
        var before = DateTimeOffset.UtcNow;
        var result = ssh.Run(text, TimeSpan.FromSeconds(30), cancel);
        var after = DateTimeOffset.UtcNow;
        if (result.ExitCode != 0 || !int.TryParse(result.StandardOutput.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            throw new LabException(LabCodes.Benchmark, $"Could not start '{command[0]}' in the guest: {ProcessRunner.Tail(result.StandardError + result.StandardOutput)}",
                "check that the guest image has the tool (it is built from the host's binaries).");
        return new GuestJob(pid, logFile, before + (after - before) / 2);
    }

    public bool IsRunning(GuestSsh ssh, CancellationToken cancel) =>
        ssh.Run($"kill -0 {Pid.ToString(CultureInfo.InvariantCulture)}", TimeSpan.FromSeconds(20), cancel).ExitCode == 0;

    /// <summary>The signal (INT or TERM), up to <paramref name="grace"/> for it to finish (then SIGKILL), and the log.</summary>
    public string Stop(GuestSsh ssh, string signal, TimeSpan grace, CancellationToken cancel)
    {
        if (signal is not ("INT" or "TERM")) throw new ArgumentOutOfRangeException(nameof(signal));
        var pid = Pid.ToString(CultureInfo.InvariantCulture);
        var tries = ((int)Math.Ceiling(grace.TotalSeconds * 10)).ToString(CultureInfo.InvariantCulture);
        var text = $"kill -{signal} {pid} 2>/dev/null; i=0; while kill -0 {pid} 2>/dev/null; do i=$((i+1)); if [ $i -gt {tries} ]; then kill -KILL {pid}; fi; sleep 0.1; done; cat {SysbenchCommand.ShellQuote(LogFile)}";
        return ssh.Run(text, grace + TimeSpan.FromSeconds(30), cancel).StandardOutput;
    }
}
