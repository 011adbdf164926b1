using Microsoft.Build.Framework;

namespace VirtLab.Tasks;

/// <summary>The labels every record of a measurement cell carries.</summary>
internal static class CellLabels
{
    public static SortedDictionary<string, string> For(ITaskItem cell, string experiment, string profile, string hostFingerprint) => new()
    {
        ["experiment"] = experiment,
        ["profile"] = profile,
        ["accel"] = cell.GetMetadata("Accel"),
        ["workload"] = cell.GetMetadata("Workload"),
        ["host_fingerprint"] = hostFingerprint,
    };
}
