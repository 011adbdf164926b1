using static VirtLab.Report.TemplateRenderer.Formatting;
namespace VirtLab.Report;

/// <summary>A stretch of the time axis shaded across a panel (the migration, the pause).</summary>
public sealed record SvgBand(string Name, double From, double To, string Color, double Opacity, string Tooltip);
