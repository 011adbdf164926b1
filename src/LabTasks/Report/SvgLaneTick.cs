namespace VirtLab.Report;

/// <summary>An instant on one row of a lane (an announce frame).</summary>
public sealed record SvgLaneTick(int Row, double X, string Color, string Tooltip);
