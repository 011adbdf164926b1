namespace VirtLab.Report;

public sealed record SvgLegendItem(string Name, string Color, bool IsTick = false);
