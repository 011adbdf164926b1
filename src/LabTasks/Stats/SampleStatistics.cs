using Perfolizer.Mathematics.Distributions.ContinuousDistributions;

namespace VirtLab.Stats;

/// <summary>Summary of repeated measurements of one benchmark value.</summary>
public sealed class SampleStatistics
{
    /// <summary>Relative spread above which a result is flagged, as the Phoronix Test Suite does (3.5 %).</summary>
    public const double DefaultNoiseThreshold = 0.035;

    private SampleStatistics(IReadOnlyList<double> sorted)
    {
        Count = sorted.Count;
        Min = sorted[0];
        Max = sorted[^1];
        Median = MedianOf(sorted);
        Mean = sorted.Average();
        if (Count < 2) return;

        StdDev = Math.Sqrt(sorted.Sum(x => (x - Mean) * (x - Mean)) / (Count - 1));
        ConfidenceHalfWidth95 = TCritical95(Count - 1) * StdDev.Value / Math.Sqrt(Count);
    }

    public int Count { get; }
    public double Median { get; }
    public double Min { get; }
    public double Max { get; }
    public double Mean { get; }

    /// <summary>Sample standard deviation (n - 1); null for a single value.</summary>
    public double? StdDev { get; }

    /// <summary>Half-width of the 95 % confidence interval of the mean; null for a single value.</summary>
    public double? ConfidenceHalfWidth95 { get; }

    public double? ConfidenceLow95 => Mean - ConfidenceHalfWidth95;
    public double? ConfidenceHigh95 => Mean + ConfidenceHalfWidth95;

    /// <summary>(max - min) / median.</summary>
    public double RelativeSpread => Max == Min ? 0 : Median == 0 ? double.PositiveInfinity : (Max - Min) / Math.Abs(Median);

    /// <summary>StdDev / |mean|, the coefficient of variation; null for a single value.</summary>
    public double? RelativeStdDev => StdDev is null ? null : StdDev == 0 ? 0 : StdDev / Math.Abs(Mean);

    public bool IsNoisy(double threshold = DefaultNoiseThreshold) => RelativeSpread > threshold;

    public static SampleStatistics From(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.ToList();
        if (sorted.Count == 0) throw new ArgumentException("At least one value is needed for statistics.", nameof(values));
        if (sorted.Any(v => !double.IsFinite(v))) throw new ArgumentException("Values must be finite numbers.", nameof(values));
        sorted.Sort();
        return new SampleStatistics(sorted);
    }

    /// <summary>The 0.975 quantile of Student's t (Perfolizer's Student distribution).</summary>
    public static double TCritical95(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        return new StudentDistribution(degreesOfFreedom).Quantile(0.975);
    }

    private static double MedianOf(IReadOnlyList<double> sorted)
    {
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
