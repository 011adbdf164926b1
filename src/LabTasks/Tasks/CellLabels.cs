using Microsoft.Build.Framework;

namespace VirtLab.Tasks;

/// <summary>The labels every record of a measurement cell carries.</summary>
internal static class CellLabels
{
    private static readonly Dictionary<string, string> KernelVersions = new();

    /// <summary>The guest's kernel version, read from the image manifest once per task run, not once per record set.</summary>
    public static string? GuestKernel(string imageManifest)
    {
        if (!File.Exists(imageManifest)) return null;
        lock (KernelVersions)
        {
            if (!KernelVersions.TryGetValue(imageManifest, out var version))
                KernelVersions[imageManifest] = version = Guest.GuestImageBuilder.Load(Path.GetDirectoryName(imageManifest)!).KernelVersion;
            return version;
        }
    }

    /// <summary>What every record of the cell says about itself and the measuring host (host_virt, host_cores …: <see cref="Host.HostMachine"/>).</summary>
    public static SortedDictionary<string, string> For(ITaskItem cell, string experiment, string profile, string hostFingerprint)
    {
        var labels = new SortedDictionary<string, string>
        {
            ["experiment"] = experiment,
            ["profile"] = profile,
            ["accel"] = cell.GetMetadata("Accel"),
            ["workload"] = cell.GetMetadata("Workload"),
            ["host_fingerprint"] = hostFingerprint,
        };
        Host.HostMachine.Current.AddLabels(labels);
        return labels;
    }
}
