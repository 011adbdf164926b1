using static VirtLab.Report.TemplateRenderer.Formatting;
namespace VirtLab.Report;

/// <summary>
/// One panel: its series (one workload's, or one per migration), the baseline they are compared with
/// (a dashed line; <see cref="BaselineName"/> names it when it is not a workload's baseline), and the shaded windows.
/// </summary>
public sealed record SvgPanel(
    string Title,
    string YAxisLabel,
    IReadOnlyList<SvgStepSeries> Series,
    double? Baseline,
    IReadOnlyList<SvgBand> Bands,
    IReadOnlyList<SvgMark> Marks,
    int ValueDecimals = 2,
    string? BaselineName = null);
