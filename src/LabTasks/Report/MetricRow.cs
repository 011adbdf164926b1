namespace VirtLab.Report;

/// <summary>One metric under one condition (the labels that vary between its records), over repeats.</summary>
public sealed record MetricRow(string Metric, string Condition, string Unit, int Count, double? Median, double? Min, double? Max);
