namespace VirtLab.Stats;

/// <summary>Summary of repeated measurements of one benchmark value.</summary>
public sealed class SampleStatistics
{
    /// <summary>Relative spread above which a result is flagged, as the Phoronix Test Suite does (3.5 %).</summary>
    public const double DefaultNoiseThreshold = 0.035;

    // Two-sided 95 % Student's t critical values for 1..30 degrees of freedom.
    private static readonly double[] T975 =
    [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];

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

    /// <summary>The 0.975 quantile of Student's t: table up to 30 degrees of freedom, then a Cornish-Fisher expansion (error &lt; 1e-4).</summary>
    public static double TCritical95(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (degreesOfFreedom <= T975.Length) return T975[degreesOfFreedom - 1];

        const double z = 1.959963984540054;
        double v = degreesOfFreedom, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
        return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
    }

    private static double MedianOf(IReadOnlyList<double> sorted)
    {
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
