using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>Finds host programs to copy into the guest and reads their versions for image.json.</summary>
public static partial class HostTools
{
    public static string Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        // sbin folders are often missing from a non-login PATH; dropbear lives in /usr/sbin.
        var dirs = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        throw new LabException(LabCodes.MissingTool, $"{program} is not installed on this host; the guest image copies it from here.",
            ToolRegistry.InstallHint(program));
    }

    public static string Version(string program, string path, CancellationToken cancellationToken = default)
    {
        // iperf 2 and dropbear print their version to stderr and exit 1; the registry says how each tool is asked.
        var args = ToolRegistry.VersionArgumentsOf(program);
        var result = ProcessRunner.Run(path, args, TimeSpan.FromSeconds(30), cancellationToken);
        return ParseVersion(result.StandardOutput + "\n" + result.StandardError) ?? "unknown";
    }

    /// <summary>The first version number in a tool's banner: "BusyBox v1.35.0 (Debian …)" → "1.35.0".</summary>
    public static string? ParseVersion(string banner)
    {
        var match = VersionNumber().Match(banner);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"\bv?(\d+\.\d+(?:\.\d+)*)")]
    private static partial Regex VersionNumber();
}
