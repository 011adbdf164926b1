namespace VirtLab.Migration;

/// <summary>
/// What one run of a workload produced: its series (may be empty), a rate over the whole run,
/// the raw output, and problems it reported (a stress-ng verification failure, an iperf error).
/// A combined workload carries the stream's series and each load's own run as <see cref="Parts"/>.
/// </summary>
public sealed record WorkloadRun(
    string Workload,
    string Metric,
    string Unit,
    double IntervalSeconds,
    IReadOnlyList<WorkloadPoint> Points,
    double? OverallRate,
    string RawOutput,
    IReadOnlyList<string> Problems,
    bool? ConnectionKept = null,
    IReadOnlyList<WorkloadPoint>? LatencyMax = null,
    IReadOnlyList<WorkloadRun>? Parts = null)
{
    /// <summary>A combined workload's runs of each load it combines (dirty-memory+iperf); empty for a single load.</summary>
    public IReadOnlyList<WorkloadRun> PartRuns => Parts ?? [];

    /// <summary>The longest single request per interval (sysbench cpu with --percentile=100), in ms; empty when not measured.</summary>
    public IReadOnlyList<WorkloadPoint> LatencyMaxMs => LatencyMax ?? [];

    public double? Median => Points.Count == 0 ? OverallRate : Stats.SampleStatistics.From(Points.Select(p => p.Value)).Median;
}
