namespace VirtLab.Report;

public sealed record SvgSeries(string Name, string Color);
