namespace VirtLab.Report;

public sealed record SvgTimelineSpec(
    string Id,
    string Title,
    string XAxisLabel,
    double XMin,
    double XMax,
    IReadOnlyList<string> Rows,
    IReadOnlyList<SvgLane> Lanes,
    IReadOnlyList<SvgLegendItem> Legend,
    string? Footnote = null,
    double Width = 680);
