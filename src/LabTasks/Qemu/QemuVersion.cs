using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Qemu;

public static partial class QemuVersion
{
    private static readonly Dictionary<string, string> Versions = new();

    /// <summary>The system's QEMU's version.</summary>
    public static string Installed() => Of(QemuBinary.DistroProgram);

    /// <summary>"7.2.22" from "QEMU emulator version 7.2.22 (Debian …)", asked once per binary.</summary>
    public static string Of(string program)
    {
        lock (Versions)
        {
            if (!Versions.TryGetValue(program, out var version))
                Versions[program] = version = Parse(ProcessRunner.RunChecked(LabCodes.MissingTool, program, ["--version"], TimeSpan.FromSeconds(20)).StandardOutput);
            return version;
        }
    }

    public static string Parse(string versionOutput)
    {
        var m = Version().Match(versionOutput);
        return m.Success ? m.Groups[1].Value : "unknown";
    }

    [GeneratedRegex(@"version ([0-9][0-9.]*)")]
    private static partial Regex Version();
}
