using System.Globalization;

namespace VirtLab.Repeats;

/// <summary>
/// How many times a cell is measured. A plain count (lab.yaml <c>repeats: 3</c>) measures exactly
/// that often. Adaptive (<c>repeats: {min: 3, max: 10, targetRsdPercent: 3.5}</c>, the Phoronix
/// Test Suite's dynamic run count) keeps measuring until at least <see cref="Min"/> quiet repeats
/// have a relative standard deviation under the target, or <see cref="Max"/> runs were made; noisy
/// repeats are kept but do not count. A warm-up run, when asked for, comes first and is discarded.
/// </summary>
public sealed record RepeatPolicy(int Min, int Max, double? TargetRsdPercent, bool Warmup)
{
    public const string StopFixed = "fixed";
    public const string StopConverged = "converged";
    public const string StopMaxRuns = "max-runs";

    public static RepeatPolicy Fixed(int repeats, bool warmup = false) => new(repeats, repeats, null, warmup);

    public bool IsAdaptive => TargetRsdPercent is not null;

    /// <summary>Null to measure again, else why the cell is done.</summary>
    public string? StopReason(int runs, IReadOnlyList<double> quietValues)
    {
        if (!IsAdaptive) return runs >= Min ? StopFixed : null;
        if (quietValues.Count >= Min && RelativeStdDevPercent(quietValues) <= TargetRsdPercent) return StopConverged;
        return runs >= Max ? StopMaxRuns : null;
    }

    /// <summary>Sample standard deviation ÷ |mean|, in percent; infinity for fewer than two values.</summary>
    public static double RelativeStdDevPercent(IReadOnlyList<double> values) =>
        values.Count < 2 ? double.PositiveInfinity : 100 * Stats.SampleStatistics.From(values).RelativeStdDev!.Value;

    public override string ToString() => IsAdaptive
        ? string.Create(CultureInfo.InvariantCulture, $"{Min}–{Max} runs until RSD ≤ {TargetRsdPercent} %")
        : $"{Min} runs";
}
