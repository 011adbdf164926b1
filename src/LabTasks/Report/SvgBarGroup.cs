namespace VirtLab.Report;

/// <summary>A group of bars on the x axis (an accelerator, a NIC model); "\n" in the label starts a new line.</summary>
public sealed record SvgBarGroup(string Label, IReadOnlyList<SvgBar> Bars);
