using System.Diagnostics;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>A server process inside the lab namespace; disposing it kills its process group.</summary>
public sealed class LabServer : IDisposable
{
    private readonly Process _process;

    public LabServer(string netns, string program, IReadOnlyList<string> arguments)
    {
        var psi = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in LabCommand.HelperArguments(netns, program, arguments)) psi.ArgumentList.Add(a);
        LabHelperMark.Apply(psi, netns);
        _process = Process.Start(psi) ?? throw new LabException(LabCodes.MissingTool, $"Cannot start {program} in the lab.", ToolRegistry.InstallHint(program));
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // setsid made the server a group leader: signal the group so `ip netns exec`'s child goes too.
            ProcessRunner.Run("kill", ["-TERM", "--", $"-{_process.Id}"], TimeSpan.FromSeconds(5));
            if (!_process.WaitForExit(5000))
                ProcessRunner.Run("kill", ["-KILL", "--", $"-{_process.Id}"], TimeSpan.FromSeconds(5));
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
