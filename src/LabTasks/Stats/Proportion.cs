using Perfolizer.Mathematics.Distributions.ContinuousDistributions;

namespace VirtLab.Stats;

/// <summary>
/// k events in n trials (e.g. integrity failures among migrations) with the exact
/// Clopper–Pearson 95 % interval, from Perfolizer's Beta distribution. Exact rather than Wilson
/// because the samples are small and the claim users make is "0 of n means below x %", which
/// Clopper–Pearson guarantees (its coverage is at least 95 %).
/// </summary>
public sealed record Proportion(int Events, int Trials)
{
    public const double ConfidenceLevel = 0.95;

    public double Rate => Trials == 0 ? double.NaN : (double)Events / Trials;

    public Interval? Interval
    {
        get
        {
            if (Trials <= 0) return null;
            const double alpha = 1 - ConfidenceLevel;
            var lower = Events == 0 ? 0 : new BetaDistribution(Events, Trials - Events + 1).Quantile(alpha / 2);
            var upper = Events == Trials ? 1 : new BetaDistribution(Events + 1, Trials - Events).Quantile(1 - alpha / 2);
            return new Interval(lower, upper);
        }
    }

    /// <summary>"3–60 %": the interval in whole percent, as the report and LAB0044 print it; null without trials.</summary>
    public string? IntervalText => Interval is { } ci
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ci.Lower * 100:0}–{ci.Upper * 100:0} %")
        : null;

    public static Proportion Of(int events, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, events);
        return new Proportion(events, trials);
    }
}
