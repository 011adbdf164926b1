using VirtLab.Records;
using VirtLab.Stats;

namespace VirtLab.Compare;

/// <summary>
/// Two runs' records compared metric by metric and condition by condition, as benchstat compares
/// two benchmark outputs: the baseline is the run named by -p:CompareWith, the candidate this one.
/// </summary>
public sealed class ResultsComparison
{
    private ResultsComparison(string baselineName, string candidateName, List<ComparisonRow> rows, List<SampleKey> onlyBaseline, List<SampleKey> onlyCandidate, int noisyLeftOut)
    {
        NoisyLeftOut = noisyLeftOut;
        BaselineName = baselineName;
        CandidateName = candidateName;
        Rows = rows;
        OnlyInBaseline = onlyBaseline;
        OnlyInCandidate = onlyCandidate;
    }

    public string BaselineName { get; }
    public string CandidateName { get; }
    public IReadOnlyList<ComparisonRow> Rows { get; }
    public IReadOnlyList<SampleKey> OnlyInBaseline { get; }
    public IReadOnlyList<SampleKey> OnlyInCandidate { get; }

    /// <summary>Figures of repeats labelled noisy, in both runs, left out of every sample.</summary>
    public int NoisyLeftOut { get; }

    public int Better => Rows.Count(r => r.Comparison.Verdict == ComparisonVerdict.Better);
    public int Worse => Rows.Count(r => r.Comparison.Verdict == ComparisonVerdict.Worse);
    public int Unchanged => Rows.Count(r => r.Comparison.Verdict == ComparisonVerdict.NoDifference);

    /// <summary>Rows whose samples are too small to ever show a difference (3 against 3 repeats).</summary>
    public int TooSmall => Rows.Count(r => r.Comparison.Limitation is not null);

    public static ResultsComparison Of(string baselineName, IEnumerable<Record> baseline, string candidateName, IEnumerable<Record> candidate)
    {
        var a = RecordSamples.From(baseline, out var noisyA);
        var b = RecordSamples.From(candidate, out var noisyB);
        var rows = a.Keys.Intersect(b.Keys)
            .OrderBy(k => k.Experiment, StringComparer.Ordinal).ThenBy(k => k.Metric, StringComparer.Ordinal).ThenBy(k => k.Condition, StringComparer.Ordinal)
            .Select(k => new ComparisonRow(k, SampleComparison.Of(a[k], b[k], MetricDirections.For(k.Metric, k.Unit)!.Value)))
            .ToList();
        return new ResultsComparison(baselineName, candidateName, rows,
            a.Keys.Except(b.Keys).OrderBy(k => k.ToString(), StringComparer.Ordinal).ToList(),
            b.Keys.Except(a.Keys).OrderBy(k => k.ToString(), StringComparer.Ordinal).ToList(), noisyA + noisyB);
    }
}
