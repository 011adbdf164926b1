using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// Checks that a file is a qemu-system-x86_64 that runs here: it exists, is executable and answers
/// <c>--version</c> with "QEMU emulator version X"; and hashes it (the hash goes into stamps).
/// </summary>
public static partial class QemuProgramCheck
{
    public static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(20);
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// The upstream version ("10.0.2") of <paramref name="program"/>; a LabException with
    /// <paramref name="code"/> naming build <paramref name="build"/> and <paramref name="fix"/> when it is not a QEMU that runs.
    /// </summary>
    public static string Version(string build, string program, string code, string fix, CancellationToken cancellationToken = default)
    {
        if (!Path.IsPathFullyQualified(program))
            throw new LabException(code, $"QEMU build '{build}': Program '{program}' is not an absolute path.", fix);
        if (Directory.Exists(program) || !File.Exists(program))
            throw new LabException(code, $"QEMU build '{build}': Program {program} does not exist.", fix, program);
        if ((File.GetUnixFileMode(program) & AnyExecute) == 0)
            throw new LabException(code, $"QEMU build '{build}': Program {program} is not executable.", $"chmod +x {program}, or {fix}", program);
        ProcessResult result;
        try
        {
            result = ProcessRunner.Run(program, ["--version"], VersionTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new LabException(code, $"QEMU build '{build}': {program} --version did not answer within {VersionTimeout.TotalSeconds:0} s.", fix, program);
        }
        catch (LabException e) when (e.Code == LabCodes.MissingTool)
        {
            throw new LabException(code, $"QEMU build '{build}': {program} cannot be started: {e.Message}", fix, program);
        }
        var answer = Banner().Match(result.StandardOutput);
        if (!result.Succeeded || !answer.Success)
            throw new LabException(code,
                $"QEMU build '{build}': {program} --version did not answer 'QEMU emulator version …' (exit {result.ExitCode}: '{ProcessRunner.Tail(result.StandardOutput + result.StandardError, 200)}'), so it is not a QEMU that runs here.",
                fix, program);
        return QemuVersion.Parse(answer.Value);
    }

    [GeneratedRegex(@"QEMU emulator version [0-9][0-9.]*")]
    private static partial Regex Banner();
}
