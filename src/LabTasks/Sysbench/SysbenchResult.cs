namespace VirtLab.Sysbench;

/// <summary>
/// One sysbench cpu or memory run as printed by sysbench 0.4.x or 1.0.x. A field is null when that
/// version/test does not print it. Latencies are always in milliseconds, sizes in bytes.
/// </summary>
public sealed record SysbenchResult
{
    public required string ToolVersion { get; init; }

    /// <summary>"cpu" or "memory".</summary>
    public required string Test { get; init; }

    public required int Threads { get; init; }
    public required double TotalTimeSeconds { get; init; }
    public required long TotalEvents { get; init; }

    public required double EventsPerSecond { get; init; }

    /// <summary>True when sysbench did not print events/s and it was computed as events / total time.</summary>
    public required bool EventsPerSecondDerived { get; init; }

    public double? LatencyMinMs { get; init; }
    public double? LatencyAvgMs { get; init; }
    public double? LatencyMaxMs { get; init; }

    /// <summary>The percentile rank sysbench reported (95 unless --percentile was given).</summary>
    public int? LatencyPercentile { get; init; }
    public double? LatencyPercentileMs { get; init; }

    /// <summary>The 95th percentile latency; null when another rank was requested.</summary>
    public double? Latency95thMs => LatencyPercentile == 95 ? LatencyPercentileMs : null;

    public int? CpuMaxPrime { get; init; }

    public long? BlockSizeBytes { get; init; }
    public long? TotalSizeBytes { get; init; }

    /// <summary>"write", "read" or "none" for the memory test.</summary>
    public string? MemoryOperation { get; init; }

    public double? TransferredMiB { get; init; }
    public double? MiBPerSecond { get; init; }
    public long? TotalOperations { get; init; }
    public double? OperationsPerSecond { get; init; }
}
