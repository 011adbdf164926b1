using VirtLab.Stats;

namespace VirtLab.Migration;

/// <summary>
/// How much a migration disturbed a workload, relative to the median of the same workload
/// without a migration (PerfKit Benchmarker's shape). Over the migration window (from the
/// migrate command to the end of the migration): the seconds spent below 90 %, 50 % and at 0 %
/// of the baseline, and the total loss — each interval's missing fraction times its length,
/// summed, i.e. "seconds of work lost". After the migration: its median relative to the baseline.
/// </summary>
public sealed record Disruption(
    double BaselineMedian,
    double? DuringMedian,
    double? AfterMedian,
    double WindowSeconds,
    double SecondsBelow90,
    double SecondsBelow50,
    double SecondsAtZero,
    double TotalLossSeconds,
    double? DuringOverBaseline,
    double? AfterOverBaseline)
{
    /// <param name="points">The series during the migration run: (end of interval in seconds on the migration timeline, value).</param>
    /// <param name="windowEnd">When the migration ended (seconds after the migrate command).</param>
    public static Disruption? Compute(IReadOnlyList<double> baseline, IReadOnlyList<(double T, double Value)> points, double interval, double windowEnd)
    {
        if (baseline.Count == 0 || interval <= 0) return null;
        var median = SampleStatistics.From(baseline).Median;
        if (median <= 0) return null;
        double below90 = 0, below50 = 0, zero = 0, loss = 0, covered = 0;
        var during = new List<double>();
        foreach (var (end, value) in points)
        {
            // The part of this interval that lies inside the window [0, windowEnd].
            var overlap = Math.Min(end, windowEnd) - Math.Max(end - interval, 0);
            if (overlap <= 0) continue;
            covered += overlap;
            during.Add(value);
            var fraction = value / median;
            if (fraction < 0.9) below90 += overlap;
            if (fraction < 0.5) below50 += overlap;
            if (fraction <= 0.001) zero += overlap;
            loss += overlap * Math.Max(0, 1 - fraction);
        }
        var after = points.Where(p => p.T - interval >= windowEnd).Select(p => p.Value).ToList();
        double? duringMedian = during.Count > 0 ? SampleStatistics.From(during).Median : null;
        double? afterMedian = after.Count > 0 ? SampleStatistics.From(after).Median : null;
        return new Disruption(median, duringMedian, afterMedian, covered, below90, below50, zero, loss,
            duringMedian / median, afterMedian / median);
    }
}
