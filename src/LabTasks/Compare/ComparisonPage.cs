namespace VirtLab.Compare;

/// <summary>What templates/compare.md.sbn renders: the comparison, its rows by experiment, a title.</summary>
public sealed record ComparisonPage(string Title, ResultsComparison Comparison)
{
    public IReadOnlyList<ComparisonGroup> Groups { get; } = Comparison.Rows.GroupBy(r => r.Experiment)
        .Select(g => new ComparisonGroup(g.Key, g.ToList())).ToList();
}
