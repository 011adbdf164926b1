namespace VirtLab.Stats;

/// <summary>
/// A Harrell–Davis quantile of a sample, or why it is not given: a p-quantile is estimated only
/// from at least 1 / (1 − p) values (p95 from 20, p99 from 100), so that at least one value is
/// expected beyond it; from fewer it would be an extrapolation of the largest values.
/// </summary>
public sealed record QuantileEstimate(double Probability, double? Value, int Count)
{
    public static int SmallestSampleFor(double probability) => (int)Math.Ceiling(1 / (1 - probability) - 1e-9);

    public bool IsAvailable => Value is not null;

    /// <summary>"p95", "p99", "p99.9".</summary>
    public string Name => "p" + (Probability * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Why the quantile is missing, in words a report can print; null when it is given.</summary>
    public string? Missing => IsAvailable ? null : $"{Name} needs at least {SmallestSampleFor(Probability)} values; this sample has {Count}";
}
