namespace VirtLab.Report;

public sealed record LatencyFigures(double? MinMs, double? AvgMs, double? MaxMs, double? P95Ms);
