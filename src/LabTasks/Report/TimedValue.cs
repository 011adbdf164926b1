namespace VirtLab.Report;

/// <summary>
/// One point of a series, <see cref="T"/> seconds after the migrate command: a workload's rate over
/// the report interval that ended there, or a query-migrate sample.
/// </summary>
public sealed record TimedValue(double T, double Value);
