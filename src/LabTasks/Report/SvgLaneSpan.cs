namespace VirtLab.Report;

/// <summary>A stretch on one row of a lane (the pause, a ping gap); <see cref="ClippedLabel"/> is shown when it starts before the axis.</summary>
public sealed record SvgLaneSpan(int Row, double From, double To, string Color, string Tooltip, string? ClippedLabel = null);
