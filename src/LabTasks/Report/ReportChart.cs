using static VirtLab.Report.TemplateRenderer.Formatting;
namespace VirtLab.Report;

/// <summary>A rendered chart: its SVG, the file it is saved to, and the caption both report forms show.</summary>
public sealed record ReportChart(string Id, string FileName, string Title, string Caption, string Svg);
