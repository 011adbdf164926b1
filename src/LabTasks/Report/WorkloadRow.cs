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
    string SeriesEnd);
