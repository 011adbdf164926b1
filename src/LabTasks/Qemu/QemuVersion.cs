using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Qemu;

public static partial class QemuVersion
{
    private static string? _cached;

    /// <summary>"7.2.22" from "QEMU emulator version 7.2.22 (Debian …)".</summary>
    public static string Installed() =>
        _cached ??= Parse(ProcessRunner.RunChecked(LabCodes.MissingTool, QemuCommandLine.Program, ["--version"], TimeSpan.FromSeconds(20)).StandardOutput);

    public static string Parse(string versionOutput)
    {
        var m = Version().Match(versionOutput);
        return m.Success ? m.Groups[1].Value : "unknown";
    }

    [GeneratedRegex(@"version ([0-9][0-9.]*)")]
    private static partial Regex Version();
}
