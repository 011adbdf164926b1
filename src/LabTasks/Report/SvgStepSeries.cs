using static VirtLab.Report.TemplateRenderer.Formatting;
namespace VirtLab.Report;

/// <summary>
/// A rate reported per interval: each point is the value over the interval that ended at its T,
/// drawn as a step. <see cref="EndNote"/>: a dot on the last point, with this as its tooltip.
/// </summary>
public sealed record SvgStepSeries(string Name, string Color, IReadOnlyList<TimedValue> Points, string? EndNote = null);
