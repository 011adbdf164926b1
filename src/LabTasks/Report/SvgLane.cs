namespace VirtLab.Report;

/// <summary>
/// One lane (a migration): up to three label lines on the left, spans and ticks on its rows. A lane
/// with a <see cref="Note"/> has nothing to align on and is drawn hatched with the note instead.
/// </summary>
public sealed record SvgLane(IReadOnlyList<string> Label, IReadOnlyList<SvgLaneSpan> Spans, IReadOnlyList<SvgLaneTick> Ticks, string? Note = null);
