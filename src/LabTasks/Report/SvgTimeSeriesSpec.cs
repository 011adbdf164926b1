using static VirtLab.Report.TemplateRenderer.Formatting;
namespace VirtLab.Report;

public sealed record SvgTimeSeriesSpec(
    string Id,
    string Title,
    string XAxisLabel,
    IReadOnlyList<SvgPanel> Panels,
    string? Footnote = null,
    double Width = 680,
    double PanelHeight = 130,
    double? XMin = null);
