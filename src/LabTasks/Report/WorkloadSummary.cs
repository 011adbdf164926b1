namespace VirtLab.Report;

public sealed record WorkloadSummary(string Workload, string Metric, string Unit, IReadOnlyList<AccelRow> Rows);
