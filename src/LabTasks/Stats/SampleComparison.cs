using Perfolizer.Mathematics.SignificanceTesting.Base;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;

namespace VirtLab.Stats;

/// <summary>
/// Two samples of one metric compared as Go's benchstat does: medians, the ratio candidate ÷
/// baseline with its 95 % interval, the two-sided Mann–Whitney p-value (Perfolizer), and a verdict
/// that is "~" unless p &lt; 0.05 and the interval excludes 1.
/// </summary>
/// <remarks>
/// The ratio is the Hodges–Lehmann estimate on logarithms (the median of all pairwise ratios, as
/// Pragmastat's Ratio computes it) and its interval the distribution-free Moses interval that goes
/// with it (R's wilcox.test(conf.int = TRUE) on log values): the pairwise log ratios between the
/// k-th smallest and k-th largest, k taken from Perfolizer's exact Mann–Whitney distribution. No
/// kept library offers that interval, hence these few lines.
/// </remarks>
public sealed class SampleComparison
{
    public const double SignificanceLevel = 0.05;

    private SampleComparison(SampleDistribution baseline, SampleDistribution candidate, MetricDirection direction)
    {
        Baseline = baseline;
        Candidate = candidate;
        Direction = direction;
        var x = new Sample(baseline.Values.ToArray());
        var y = new Sample(candidate.Values.ToArray());
        PValue = MannWhitneyTest.Instance.Perform(x, y, AlternativeHypothesis.TwoSides, Threshold.Zero).PValue.Value;
        if (baseline.Values.All(v => v > 0) && candidate.Values.All(v => v > 0))
        {
            Ratio = Toolkit.Ratio(y, x).NominalValue;
            RatioInterval = MosesRatioInterval(baseline.Values, candidate.Values);
        }
        Verdict = PValue < SignificanceLevel && RatioInterval is { } ci && !ci.Contains(1)
            ? (Ratio > 1) == (direction == MetricDirection.HigherIsBetter) ? ComparisonVerdict.Better : ComparisonVerdict.Worse
            : ComparisonVerdict.NoDifference;
    }

    public SampleDistribution Baseline { get; }
    public SampleDistribution Candidate { get; }
    public MetricDirection Direction { get; }

    /// <summary>Candidate ÷ baseline (Hodges–Lehmann); null when a value is zero or negative.</summary>
    public double? Ratio { get; }

    /// <summary>95 % interval of the ratio; null when the samples are too small for one (3 vs 3) or not positive.</summary>
    public Interval? RatioInterval { get; }

    /// <summary>Two-sided Mann–Whitney p-value.</summary>
    public double PValue { get; }

    public ComparisonVerdict Verdict { get; }

    /// <summary>Why the comparison cannot show a difference whatever the data, or null: the smallest p-value n and m values can give.</summary>
    public string? Limitation
    {
        get
        {
            // Cdf(n, m, u) is P(U < u): the smallest two-sided p is 2 P(U = 0).
            var smallest = 2 * MannWhitneyClassicExactCdf.Instance.Cdf(Baseline.Count, Candidate.Count, 1);
            return smallest >= SignificanceLevel
                ? $"{Baseline.Count} vs {Candidate.Count} values cannot show a significant difference (the smallest possible p is {smallest:0.###})"
                : null;
        }
    }

    public static SampleComparison Of(IEnumerable<double> baseline, IEnumerable<double> candidate, MetricDirection direction) =>
        new(SampleDistribution.Of(baseline), SampleDistribution.Of(candidate), direction);

    private static Interval? MosesRatioInterval(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate)
    {
        int n = baseline.Count, m = candidate.Count;
        // Largest k with P(U < k) <= alpha / 2 (Perfolizer's Cdf(n, m, u) is P(U < u)): the interval
        // is [d(k), d(nm + 1 - k)] of the sorted differences.
        var k = 0;
        while (k < n * m / 2 && MannWhitneyClassicExactCdf.Instance.Cdf(n, m, k + 1) <= SignificanceLevel / 2) k++;
        if (k == 0) return null;
        var differences = candidate.SelectMany(y => baseline.Select(x => Math.Log(y) - Math.Log(x))).Order().ToArray();
        return new Interval(Math.Exp(differences[k - 1]), Math.Exp(differences[n * m - k]));
    }
}
