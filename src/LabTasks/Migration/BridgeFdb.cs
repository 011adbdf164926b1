using System.Text.RegularExpressions;
using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// The lab bridge's forwarding database (`bridge fdb show br br0`): which port the guest's MAC
/// was learned on. After a migration it moves from the source's tap to the destination's.
/// </summary>
public static partial class BridgeFdb
{
    public static string Show(string netns)
    {
        string[] args = ["fdb", "show", "br", LabNetwork.Bridge];
        var result = netns.Length == 0
            ? ProcessRunner.Run("bridge", args, TimeSpan.FromSeconds(10))
            : ProcessRunner.Run("ip", ["netns", "exec", netns, "bridge", .. args], TimeSpan.FromSeconds(10));
        return result.StandardOutput;
    }

    [GeneratedRegex(@"^(?<mac>[0-9a-f]{2}(?::[0-9a-f]{2}){5}) dev (?<dev>\S+)(?<rest>.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Entry();

    /// <summary>The port a MAC was learned on (entries QEMU's own tap MACs or "permanent" ones excluded), or null.</summary>
    public static string? PortOf(string fdb, string mac)
    {
        foreach (Match m in Entry().Matches(fdb.Replace("\r", "")))
            if (string.Equals(m.Groups["mac"].Value, mac, StringComparison.OrdinalIgnoreCase) && !m.Groups["rest"].Value.Contains("permanent", StringComparison.Ordinal))
                return m.Groups["dev"].Value;
        return null;
    }
}
