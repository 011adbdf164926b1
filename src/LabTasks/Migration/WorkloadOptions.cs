using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// The sizes of the workloads, from lab.yaml (sysbench and migration.dirtyMemory of the profile).
/// Without them, lab.yaml's own defaults (SysbenchConfig, DirtyMemoryConfig) apply: one value each.
/// </summary>
public sealed partial record WorkloadOptions(
    int SysbenchThreads,
    int CpuMaxPrime,
    string MemoryBlockSize,
    int DirtyWorkers,
    int DirtySizeMiB,
    string DirtyMethod,
    double IperfIntervalSeconds,
    int IperfPort = 5201)
{
    private static readonly Config.SysbenchConfig SysbenchDefaults = new();
    private static readonly Config.MigrationConfig MigrationDefaults = new();

    public WorkloadOptions() : this(SysbenchDefaults.Threads, SysbenchDefaults.CpuMaxPrime, SysbenchDefaults.MemoryBlockSize,
        MigrationDefaults.DirtyMemory.Workers, MigrationDefaults.DirtyMemory.SizeMiB, MigrationDefaults.DirtyMemory.Method,
        MigrationDefaults.IperfIntervalMilliseconds / 1000.0)
    {
    }

    public static readonly string[] Names = ["iperf", "sysbench-cpu", "sysbench-memory", "dirty-memory", BusyGuestWorkload.WorkloadName, "idle"];

    public IMigrationWorkload Create(string name) => name switch
    {
        "iperf" => new IperfStreamWorkload(IperfIntervalSeconds, IperfPort),
        "sysbench-cpu" => SysbenchSeriesWorkload.Cpu(CpuMaxPrime, SysbenchThreads),
        "sysbench-memory" => SysbenchSeriesWorkload.Memory(MemoryBlockSize, SysbenchThreads),
        "dirty-memory" => new DirtyMemoryWorkload(DirtyWorkers, DirtySizeMiB, DirtyMethod),
        // A busy guest: both at once, each as it runs alone.
        BusyGuestWorkload.WorkloadName => new BusyGuestWorkload(Create("dirty-memory"), Create("iperf")),
        "idle" => new IdleWorkload(),
        _ => throw new LabException(LabCodes.ConfigBadValue, $"'{name}' is not a migration workload.", $"use one of {string.Join(", ", Names)}."),
    };

    internal static string Int(int value, int min, int max, string what) =>
        value >= min && value <= max ? value.ToString(CultureInfo.InvariantCulture)
        : throw new LabException(LabCodes.ConfigBadValue, $"{what} {value.ToString(CultureInfo.InvariantCulture)} is out of range.", $"use {min}–{max}.");

    internal static string Size(string size, string what) =>
        SizePattern().IsMatch(size) ? size
        : throw new LabException(LabCodes.ConfigBadValue, $"{what} '{size}' is not a size.", "write digits with an optional K, M or G suffix, e.g. 8K.");

    internal static string Word(string word, string what) =>
        WordPattern().IsMatch(word) ? word
        : throw new LabException(LabCodes.ConfigBadValue, $"{what} '{word}' is not a plain name.", "use lowercase letters, digits and '-'.");

    [GeneratedRegex(@"\A[1-9][0-9]{0,9}[KMG]?\z")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,31}\z")]
    private static partial Regex WordPattern();
}

