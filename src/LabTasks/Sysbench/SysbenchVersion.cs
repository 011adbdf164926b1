using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Sysbench;

public static partial class SysbenchVersion
{
    /// <summary>"1.0.20" from `sysbench --version` ("sysbench 1.0.20").</summary>
    public static string Parse(string versionOutput)
    {
        var m = Pattern().Match(versionOutput);
        return m.Success ? m.Groups[1].Value
            : throw new LabException(LabCodes.BenchmarkOutput, $"'sysbench --version' printed '{versionOutput.Trim()}', which names no version.",
                "install sysbench from the distribution (./install-deps.sh).");
    }

    [GeneratedRegex(@"sysbench\s+([0-9]+\.[0-9]+(?:\.[0-9]+)?)")]
    private static partial Regex Pattern();
}
