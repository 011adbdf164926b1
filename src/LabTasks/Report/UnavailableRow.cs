namespace VirtLab.Report;

public sealed record UnavailableRow(string Metric, string Condition, string Reason);
