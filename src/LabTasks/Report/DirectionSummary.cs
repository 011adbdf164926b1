namespace VirtLab.Report;

public sealed record DirectionSummary(string Direction, IReadOnlyList<NicRow> Rows);
