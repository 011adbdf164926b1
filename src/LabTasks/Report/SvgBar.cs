namespace VirtLab.Report;

/// <summary>
/// One bar: the median of a series in a group, with a whisker from Min to Max (min–max over repeats,
/// or p50–p99 for a latency) and an optional <see cref="Mark"/>, a dot at one more value (p99.9).
/// <see cref="Points"/> are the repeats themselves, drawn as dots over the bar so every one stays visible.
/// A bar without a value is an "unavailable" slot (drawn hatched, labelled with <see cref="Note"/>,
/// the reason as its tooltip).
/// </summary>
public sealed record SvgBar(string Series, double? Value, double? Min = null, double? Max = null, string? Note = null, string? Tooltip = null,
    double? Mark = null, IReadOnlyList<double>? Points = null)
{
    public bool IsUnavailable => Value is null;
}
