namespace VirtLab.Compare;

/// <summary>One experiment's rows of a comparison.</summary>
public sealed record ComparisonGroup(string Experiment, IReadOnlyList<ComparisonRow> Rows);
