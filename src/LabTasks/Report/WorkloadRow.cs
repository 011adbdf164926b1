namespace VirtLab.Report;

/// <summary>A workload across a migration, relative to its own baseline (PerfKit's disruption shape).</summary>
public sealed record WorkloadRow(
    string Scenario,
    int Index,
    string Workload,
    string Metric,
    string Unit,
    string Outcome,
    double? Baseline,
    double? During,
    double? DuringOverBaseline,
    double? AfterOverBaseline,
    double? SecondsBelow90,
    double? SecondsBelow50,
    double? SecondsAtZero,
    double? TotalLoss,
    double? LatencyMaxBaseline,
    double? LatencyMaxDuring,
    string Sparkline,
    string SeriesStart,
    string SeriesEnd)
{
    /// <summary>
    /// The workload's median over the migration window (the migrate command to the migration's end):
    /// the figure the recorded during ÷ baseline ratio was computed from. The whole run's median
    /// (<see cref="During"/>) also covers the seconds before and after the migration, so it is not that ratio's numerator.
    /// </summary>
    public double? WindowMedian => DuringOverBaseline * Baseline;
}
