namespace VirtLab.Report;

public sealed record SvgBarChartSpec(
    string Id,
    string Title,
    string YAxisLabel,
    IReadOnlyList<SvgSeries> Series,
    IReadOnlyList<SvgBarGroup> Groups,
    int ValueDecimals = 1,
    string? Footnote = null,
    double Width = 680,
    double Height = 380,
    string WhiskerLabel = "min–max",
    string? MarkLabel = null);
