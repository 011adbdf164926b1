using static VirtLab.Report.TemplateRenderer.Formatting;
namespace VirtLab.Report;

/// <summary>An instant drawn as a vertical line across a panel (switch-over, fault, post-copy start).</summary>
public sealed record SvgMark(string Name, double X, string Color, string Tooltip);
