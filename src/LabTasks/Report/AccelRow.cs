namespace VirtLab.Report;

/// <summary>One accelerator's figures for one workload: the headline metric over repeats.</summary>
public sealed record AccelRow(
    string Accel,
    string Status,
    string? Reason,
    string Unit,
    int Count,
    double? Median,
    double? Min,
    double? Max,
    double? CiLow,
    double? CiHigh,
    bool Noisy,
    double? RelativeSpread,
    double? TotalTimeMedian,
    double? LatencyAvgMedian,
    double? LatencyP95Median,
    double? ToHost,
    double? SlowdownVsHost,
    IReadOnlyList<double>? Values = null,
    int NoisyRepeats = 0);
