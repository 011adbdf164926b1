using VirtLab.Stats;

namespace VirtLab.Report;

/// <summary>
/// One migration scenario (fault scenarios aside) over all its migrations: how many completed, the
/// settings and limits it ran with (from the records' labels), and whether the bandwidth cap rather
/// than the capability under test set its pace. What D's answer and caveats are written from.
/// </summary>
public sealed record ScenarioOutcome(
    string Scenario,
    string Settings,
    string Capabilities,
    int Migrations,
    int Completed,
    int CapHeldMigrations,
    double? MaxBandwidthMib,
    double? DowntimeLimitMs,
    double? MedianRateMibPerSecond,
    double? MedianTotalTimeMs,
    ScenarioOutcome? UncappedTwin = null)
{
    public bool AllCompleted => Completed == Migrations;
    public bool NoneCompleted => Completed == 0;

    /// <summary>Most of its migrations ran at ≥ 90 % of the cap.</summary>
    public bool CapHeld => CapHeldMigrations * 2 > Migrations;

    /// <summary>"3 of 3 completed"; "0 of 2 completed".</summary>
    public string CompletedText => $"{Completed} of {Migrations} completed";

    /// <summary>XBZRLE or multifd: capabilities that change how the stream is sent, which the cap can hide.</summary>
    public bool StreamCapability => Capabilities.Contains("xbzrle", StringComparison.OrdinalIgnoreCase)
                                    || Capabilities.Contains("multifd", StringComparison.OrdinalIgnoreCase);

    /// <summary>The RAM rate in words: "the median of 3 migrations" only when there were at least two.</summary>
    public string RateText => MedianRateMibPerSecond is not { } rate ? "n/a"
        : Migrations >= 2 ? $"{TemplateRenderer.Formatting.Fmt(rate, 0)} MiB/s (median of {Migrations} migrations)"
        : $"{TemplateRenderer.Formatting.Fmt(rate, 0)} MiB/s";

    /// <summary>Each scenario, with the scenario that ran the same capabilities under a higher cap (the "-capped" twins).</summary>
    public static List<ScenarioOutcome> From(IEnumerable<MigrationTimeline> timelines)
    {
        var scenarios = Group(timelines);
        return scenarios.Select(o => o with
        {
            UncappedTwin = scenarios.Where(x => x.Scenario != o.Scenario && x.Capabilities == o.Capabilities && x.MaxBandwidthMib > o.MaxBandwidthMib)
                .MaxBy(x => x.MaxBandwidthMib),
        }).ToList();
    }

    private static List<ScenarioOutcome> Group(IEnumerable<MigrationTimeline> timelines) =>
        timelines.Where(t => string.IsNullOrEmpty(t.Fault))
            .GroupBy(t => t.Scenario)
            .Select(g =>
            {
                var list = g.ToList();
                var rates = list.Select(t => t.AverageRateMibPerSecond).OfType<double>().ToList();
                var totals = list.Where(t => t.Completed).Select(t => t.TotalTimeMs).OfType<double>().ToList();
                return new ScenarioOutcome(g.Key, list[0].Settings, list[0].Capabilities ?? "", list.Count, list.Count(t => t.Completed),
                    list.Count(t => t.Valid && t.CapHeld), list[0].MaxBandwidthMib, list[0].DowntimeLimitMs,
                    rates.Count == 0 ? null : SampleStatistics.From(rates).Median,
                    totals.Count == 0 ? null : SampleStatistics.From(totals).Median);
            })
            .ToList();
}
