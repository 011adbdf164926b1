using System.Diagnostics;
using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// A long-running program inside the lab namespace whose output is read line by line as it
/// arrives, so a time series can be stamped with the host's clock (ping, iperf3 --forceflush,
/// tcpdump). It runs in its own session (setsid); stopping it signals the whole group.
/// </summary>
public sealed class LabProcess : TimedOutput, IHostProcess
{
    private readonly Process _process;

    private LabProcess(Process process) => _process = process;

    public static LabProcess Start(string netns, string program, IReadOnlyList<string> arguments)
    {
        var psi = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in Lab.LabCommand.HelperArguments(netns, program, arguments)) psi.ArgumentList.Add(a);
        Lab.LabHelperMark.Apply(psi, netns);
        var process = Process.Start(psi) ?? throw new LabException(LabCodes.MissingTool, $"Cannot start {program} in the lab.", ToolRegistry.InstallHint(program));
        var lab = new LabProcess(process);
        lab.Read(process.StandardOutput, process.StandardError);
        process.StandardInput.Close();
        return lab;
    }

    public int Pid => _process.Id;
    public override bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

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
}
