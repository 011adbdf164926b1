using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.QuantileEstimators;
using Pragmastat;

namespace VirtLab.Stats;

/// <summary>
/// The distribution of one metric's repeated values, as BenchmarkDotNet summarises it: the
/// Harrell–Davis median with its 95 % confidence interval, min–max, and p95/p99 where the sample
/// is large enough (<see cref="QuantileEstimate"/>). The estimators are Perfolizer's.
/// </summary>
public sealed class SampleDistribution
{
    public const double ConfidenceLevel = 0.95;

    private SampleDistribution(IReadOnlyList<double> sorted)
    {
        Values = sorted;
        var sample = new Sample(sorted.ToArray());
        var estimator = HarrellDavisQuantileEstimator.Instance;
        Median = Count == 1 ? sorted[0] : estimator.Quantile(sample, Probability.Half).NominalValue;
        if (Count >= 2)
        {
            var ci = estimator.QuantileConfidenceIntervalEstimator(sample, Probability.Half)
                .ConfidenceInterval(new Perfolizer.Mathematics.Common.ConfidenceLevel(ConfidenceLevel));
            MedianInterval = new Interval(ci.Lower, ci.Upper);
        }
        P95 = QuantileOf(sample, 0.95);
        P99 = QuantileOf(sample, 0.99);
    }

    /// <summary>The values, sorted ascending.</summary>
    public IReadOnlyList<double> Values { get; }

    public int Count => Values.Count;
    public double Min => Values[0];
    public double Max => Values[^1];

    /// <summary>Harrell–Davis estimate of the median (equal to the sample median for symmetric samples).</summary>
    public double Median { get; }

    /// <summary>95 % confidence interval of the median (Harrell–Davis); null for a single value.</summary>
    public Interval? MedianInterval { get; }

    public QuantileEstimate P95 { get; }
    public QuantileEstimate P99 { get; }

    public static SampleDistribution Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.ToList();
        if (sorted.Count == 0) throw new ArgumentException("At least one value is needed for a distribution.", nameof(values));
        if (sorted.Any(v => !double.IsFinite(v))) throw new ArgumentException("Values must be finite numbers.", nameof(values));
        sorted.Sort();
        return new SampleDistribution(sorted);
    }

    public QuantileEstimate Quantile(double probability) => QuantileOf(new Sample(Values.ToArray()), probability);

    private QuantileEstimate QuantileOf(Sample sample, double probability) =>
        Count >= QuantileEstimate.SmallestSampleFor(probability)
            ? new QuantileEstimate(probability, HarrellDavisQuantileEstimator.Instance.Quantile(sample, probability).NominalValue, Count)
            : new QuantileEstimate(probability, null, Count);
}
