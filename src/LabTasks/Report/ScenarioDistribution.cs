using VirtLab.Stats;
using static VirtLab.Report.TemplateRenderer.Formatting;

namespace VirtLab.Report;

/// <summary>
/// One migration scenario under one workload over its repeated migrations: the distributions of QEMU
/// downtime, network downtime (ping silence), total time and the workload's rate during the
/// migration over its baseline — from the migrations whose guest passed its integrity check — and
/// how many failed it (k of n, with the Clopper–Pearson interval).
/// </summary>
public sealed record ScenarioDistribution(
    string Scenario,
    string Workload,
    int Migrations,
    Proportion IntegrityFailures,
    SampleDistribution? Downtime,
    SampleDistribution? NetworkDowntime,
    SampleDistribution? TotalTime,
    SampleDistribution? DuringOverBaseline)
{
    /// <summary>"2 of 9 (95 % CI 3–60 %)"; "0 of 3 (95 % CI 0–71 %)".</summary>
    public string IntegrityText => IntegrityFailures.IntervalText is { } ci
        ? $"{IntegrityFailures.Events} of {IntegrityFailures.Trials} (95 % CI {ci})"
        : "no migration";

    public static string Describe(SampleDistribution? d, int decimals) =>
        d is null ? "n/a"
        : d.Count == 1 ? Fmt(d.Median, decimals) + " (n=1)"
        : $"{Fmt(d.Median, decimals)} [{Fmt(d.Min, decimals)}–{Fmt(d.Max, decimals)}]"
          + (d.Count >= 3 && d.MedianInterval is { } ci ? $", CI {Fmt(ci.Lower, decimals)}–{Fmt(ci.Upper, decimals)}" : "")
          + (d.P95.Value is { } p95 ? $", p95 {Fmt(p95, decimals)}" : "")
          + $" (n={d.Count})";

    /// <summary>
    /// One figure in words for a sentence: "41 ms (median of 3)"; "41 ms (one migration)" — a single
    /// migration's value is never called a median.
    /// </summary>
    public static string Short(SampleDistribution? d, int decimals, string unit) =>
        d is null ? "n/a"
        : d.Count == 1 ? $"{Fmt(d.Median, decimals)}{unit} (one migration)"
        : $"{Fmt(d.Median, decimals)}{unit} (median of {d.Count} migrations)";

    public string DowntimeShort => Short(Downtime, 0, " ms");
    public string NetworkDowntimeShort => Short(NetworkDowntime, 0, " ms");
    public string TotalTimeShort => Short(TotalTime, 0, " ms");
    public string DuringOverBaselineShort => Short(DuringOverBaseline, 2, "× its baseline rate");

    public double? DowntimeMedian => Downtime?.Median;
    public double? NetworkDowntimeMedian => NetworkDowntime?.Median;
    public double? DuringOverBaselineMedian => DuringOverBaseline?.Median;

    public string DowntimeText => Describe(Downtime, 0);
    public string NetworkDowntimeText => Describe(NetworkDowntime, 0);
    public string TotalTimeText => Describe(TotalTime, 0);
    public string DuringOverBaselineText => Describe(DuringOverBaseline, 2);
}
