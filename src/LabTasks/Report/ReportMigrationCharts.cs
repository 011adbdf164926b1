using static VirtLab.Report.TemplateRenderer.Formatting;

namespace VirtLab.Report;

/// <summary>Questions D and F's charts: the scenario matrix, the workloads across a migration, and the ping-gap timeline.</summary>
public static class ReportMigrationCharts
{
    private const string MeasuredColor = ReportCharts.MeasuredColor;
    private const string MigrationColor = "#9fbfe0", PauseColor = "#e08a2c", SwitchColor = "#b5485d", GapColor = "#c0392b";
    private const string RarpColor = "#7a5aa6", GarpColor = "#4f9a5b", MarkColor = "#555555";

    public static IEnumerable<ReportChart> Build(MigrationSection migration, string fileSuffix, string profile)
    {
        if (migration.Timelines is { Count: > 0 } timelines)
        {
            yield return MigrationTime(timelines, fileSuffix, profile);
            yield return MigrationDowntime(migration.DistributionRows, fileSuffix, profile);
            if (Convergence(timelines, fileSuffix, profile) is { } convergence) yield return convergence;
            if (WorkloadTimeSeries(timelines, fileSuffix, profile) is { } series) yield return series;
            if (PingGapTimeline(timelines, fileSuffix, profile) is { } gaps) yield return gaps;
        }
    }

    /// <summary>The scenario matrix, part 1: how long each migration took; one that did not finish is a hatched slot.</summary>
    public static ReportChart MigrationTime(IReadOnlyList<MigrationTimeline> migrations, string fileSuffix, string profile)
    {
        const string id = "d-migration-time", title = "Live migration: total time per scenario";
        var groups = migrations.Select(m => new SvgBarGroup($"{m.Name}\n{m.Workload}", [m.TotalTimeMs is { } total
            ? new SvgBar("QEMU total time", total / 1000, Tooltip: $"{m.Name}: {Fmt(total / 1000)} s ({m.Outcome})")
            : new SvgBar("QEMU total time", null, Note: m.Outcome, Tooltip: $"{m.Name}: {m.Outcome} after {Fmt(m.ElapsedSeconds)} s")])).ToList();
        var spec = new SvgBarChartSpec(id, title, "s", [new SvgSeries("QEMU total time", MeasuredColor)], groups, 1,
            $"One migration per bar. Hatched: did not complete (deadline or failure). Profile {profile}.");
        return new ReportChart(id, id + fileSuffix + ".svg", title,
            $"{title} (s, lower is better); hatched slots did not converge or failed.", SvgBarChart.Render(spec));
    }

    /// <summary>
    /// The scenario matrix, part 2: the pause QEMU reports beside the gap a pinging peer saw, per
    /// scenario and workload — the median over its migrations, whiskers min–max, a dot per migration.
    /// </summary>
    public static ReportChart MigrationDowntime(IReadOnlyList<ScenarioDistribution> scenarios, string fileSuffix, string profile)
    {
        const string id = "d-migration-downtime", title = "Live migration: downtime, QEMU's vs the network's";
        SvgSeries qemu = new("QEMU downtime", SvgBarChart.Palette[0]), network = new("network downtime (ping gap)", SvgBarChart.Palette[1]);
        // One note per slot pair is enough; two would overlap.
        SvgBar Bar(SvgSeries s, Stats.SampleDistribution? d, ScenarioDistribution row, bool label) => d is not null
            ? new SvgBar(s.Name, d.Median, d.Min, d.Max, Points: d.Count > 1 ? d.Values : null,
                Tooltip: d.Count == 1
                    ? $"{row.Scenario} {row.Workload}: {s.Name} {Fmt(d.Median)} ms (one migration)"
                    : $"{row.Scenario} {row.Workload}: {s.Name} median {Fmt(d.Median)} ms (min {Fmt(d.Min)}, max {Fmt(d.Max)}, n={d.Count})")
            : new SvgBar(s.Name, null, Note: label ? "no completed migration" : null, Tooltip: $"{row.Scenario} {row.Workload}: no completed migration with a verified guest");
        var groups = scenarios.Select(r => new SvgBarGroup($"{r.Scenario}\n{r.Workload}",
            [Bar(qemu, r.Downtime, r, label: true), Bar(network, r.NetworkDowntime, r, label: false)])).ToList();
        var most = scenarios.Select(r => r.Migrations).DefaultIfEmpty(0).Max();
        var spec = new SvgBarChartSpec(id, title, "ms", [qemu, network], groups, 0,
            $"Bars: median over up to {most} migration(s) per scenario and workload (a single migration's value where there was one); whiskers: min–max; dots: every migration. Network downtime: the longest silence between two ping replies. Profile {profile}.");
        return new ReportChart(id, id + fileSuffix + ".svg", title,
            $"{title} (ms, lower is better), per scenario and workload over its repeated migrations; hatched slots had no completed migration.", SvgBarChart.Render(spec));
    }

    /// <summary>
    /// Why some scenarios never finish: the RAM QEMU still has to send, sampled every 250 ms — one panel
    /// per scenario without an injected fault, one line per migration, and the switch-over threshold (max-bandwidth × downtime-limit,
    /// in MiB like ram_remaining) as a dashed line. A line that ends above it did not converge or failed.
    /// Null when the records hold no query-migrate series.
    /// </summary>
    public static ReportChart? Convergence(IReadOnlyList<MigrationTimeline> timelines, string fileSuffix, string profile)
    {
        const string id = "d-convergence", title = "Live migration: RAM still to send";
        // Fault scenarios stop by design (question G); what they had left says nothing about convergence.
        var panels = timelines.Where(t => t.RamRemaining.Count > 0 && string.IsNullOrEmpty(t.Fault)).GroupBy(t => t.Scenario)
            .Select(g => ConvergencePanel(g.Key, g.ToList())).ToList();
        if (panels.Count == 0) return null;
        var spec = new SvgTimeSeriesSpec(id, title, "seconds after the migrate command", panels,
            $"Every migration of each scenario; query-migrate every 250 ms; a dot marks its last sample. Dashed: max-bandwidth × downtime-limit, "
            + $"the RAM pre-copy may have left at the switch-over (QEMU uses the bandwidth it measured, at most the cap). Profile {profile}.",
            PanelHeight: 110, XMin: 0);
        return new ReportChart(id, id + fileSuffix + ".svg", title,
            $"{title} per scenario, every migration: a migration converges when what is left falls under the dashed switch-over threshold; "
            + "a line that stays above it was still chasing the guest's writes at the deadline (or failed).",
            SvgTimeSeriesChart.Render(spec));
    }

    private static SvgPanel ConvergencePanel(string scenario, IReadOnlyList<MigrationTimeline> migrations)
    {
        var lines = migrations.Where(t => t.RamRemaining.Count > 0)
            .Select((t, i) => new SvgStepSeries(
                $"migration #{i + 1} of the scenario",
                SvgBarChart.Palette[i % SvgBarChart.Palette.Length], t.RamRemaining,
                $"{t.Name} ({t.Workload}): {t.Outcome} at {Fmt(t.RamRemaining[^1].T, 2)} s with {Fmt(t.RamRemaining[^1].Value, 1)} MiB still to send"
                + (t.MaxCpuThrottle > 0 ? $", throttle up to {Fmt(t.MaxCpuThrottle, 0)} %" : "")))
            .ToList();
        var first = migrations[0];
        var outcomes = string.Join(", ", migrations.GroupBy(t => t.Outcome).Select(g => $"{g.Count()} {g.Key}"));
        var throttle = migrations.Max(t => t.MaxCpuThrottle) is > 0 and var most ? $", throttle up to {Fmt(most, 0)} %" : "";
        var threshold = first.SwitchOverThresholdMib;
        return new SvgPanel($"{scenario} ({first.Settings}): {outcomes}{throttle}", "MiB", lines, threshold, [], [], 0,
            threshold is null ? null : $"switch-over threshold: {Fmt(first.MaxBandwidthMib, 0)} MiB/s × {Fmt(first.DowntimeLimitMs, 0)} ms");
    }

    /// <summary>
    /// Question D over time: each workload's rate per report interval through its migration, beside
    /// its baseline, with the migration shaded and the pause marked. Null when no workload has a series.
    /// </summary>
    public static ReportChart? WorkloadTimeSeries(IReadOnlyList<MigrationTimeline> timelines, string fileSuffix, string profile)
    {
        const string id = "d-timeseries", title = "Workloads through a live migration";
        var panels = timelines.Where(t => t.WorkloadSeries.Count > 0).Select(Panel).ToList();
        if (panels.Count == 0) return null;
        var spec = new SvgTimeSeriesSpec(id, title, "seconds after the migrate command (before 0: the workload already running)", panels,
            $"Each step is one report interval of the workload in the guest. Profile {profile}.");
        return new ReportChart(id, id + fileSuffix + ".svg", title,
            $"{title}: each workload's rate per interval while its guest migrates, the dashed line its median in a separate baseline run; "
            + "blue: migration in progress, orange: guest paused (source STOP → destination RESUME), red line: switch-over.",
            SvgTimeSeriesChart.Render(spec));
    }

    private static SvgPanel Panel(MigrationTimeline t)
    {
        var bands = new List<SvgBand>();
        if (t.WindowEnd is { } end)
            bands.Add(new SvgBand("migration in progress", 0, end, MigrationColor, 0.35,
                $"{t.Name}: migrate command at 0 s, {t.Outcome} at {Fmt(end)} s"));
        if (t.SourceStoppedAt is { } stopped && t.DestinationResumedAt is { } resumed)
            bands.Add(new SvgBand("guest paused", stopped, resumed, PauseColor, 0.75,
                $"{t.Name}: source stopped at {Fmt(stopped, 3)} s, destination resumed at {Fmt(resumed, 3)} s ({Fmt((resumed - stopped) * 1000, 0)} ms)"));
        var marks = new List<SvgMark>();
        if (t.SourceStoppedAt is { } s && t.Completed)
            marks.Add(new SvgMark("switch-over", s, SwitchColor, $"{t.Name}: switch-over (source STOP) at {Fmt(s, 3)} s"));
        if (t.PostcopyStartedAt is { } p)
            marks.Add(new SvgMark("post-copy started", p, MarkColor, $"{t.Name}: migrate-start-postcopy at {Fmt(p, 3)} s"));
        if (t.FaultInjectedAt is { } f)
            marks.Add(new SvgMark("destination killed", f, MarkColor, $"{t.Name}: destination QEMU killed at {Fmt(f, 3)} s"));
        var unit = t.WorkloadUnit ?? "";
        return new SvgPanel($"{t.Name} · {t.Workload}: {t.WorkloadMetric} ({t.Outcome})", unit,
            [new SvgStepSeries("during the migration run", MeasuredColor, t.WorkloadSeries)], t.BaselineRate, bands, marks,
            unit.Contains("Gbit", StringComparison.Ordinal) ? 2 : 0);
    }

    /// <summary>
    /// The F axis at most, in ms around the switch-over: a gap reaching into it from earlier is clipped
    /// and labelled with its length, one wholly before it is counted beside the lane, so short pauses stay readable.
    /// </summary>
    public const double AxisBeforeMs = 250, AxisAfterMs = 1500;

    /// <summary>
    /// Question F over time: every migration aligned on its switch-over (0 = the source's STOP),
    /// the guest's pause, the ping gaps seen from the bridge and the announce frames after it.
    /// Migrations without a switch-over get a lane that says why.
    /// </summary>
    public static ReportChart? PingGapTimeline(IReadOnlyList<MigrationTimeline> timelines, string fileSuffix, string profile)
    {
        const string id = "f-ping-gaps", title = "Around the switch-over: pause, ping gaps and announcements";
        if (timelines.Count == 0) return null;
        var lanes = new List<SvgLane>();
        double xMin = -50, xMax = 200;
        foreach (var t in timelines)
        {
            if (!t.Completed)
            {
                var why = t.FaultInjectedAt is { } killed ? $": destination killed at {Fmt(killed)} s" : $" after {Fmt(t.ElapsedSeconds)} s";
                lanes.Add(new SvgLane([t.Name, t.Workload, $"longest ping gap {Fmt(t.PingMaxGapMs, 0)} ms"], [], [],
                    $"{t.Outcome}{why}: no switch-over, the guest stayed on the source"));
                continue;
            }
            var stop = t.SourceStoppedAt!.Value;
            double Ms(double seconds) => (seconds - stop) * 1000;
            var spans = new List<SvgLaneSpan>
            {
                new(0, 0, Ms(t.DestinationResumedAt!.Value), PauseColor,
                    $"{t.Name}: guest paused {Fmt(Ms(t.DestinationResumedAt!.Value), 0)} ms (QEMU reports {Fmt(t.QemuDowntimeMs, 0)} ms downtime)"),
            };
            var near = t.PingGaps.Where(g => Ms(g.EndT) >= -AxisBeforeMs && Ms(g.StartT) <= AxisAfterMs).ToList();
            // The silence across the pause is drawn even when it was too short to be a ping_gap event.
            var drawn = t.SilenceAcrossPause is { } silence && !near.Contains(silence) ? [.. near, silence] : near;
            spans.AddRange(drawn.Select(g => new SvgLaneSpan(1, Ms(g.StartT), Ms(g.EndT), GapColor,
                $"{t.Name}: no ping reply for {Fmt(g.Milliseconds, 0)} ms from {Fmt(Ms(g.StartT), 0)} ms"
                + (g.MissingReplies is { } missing ? $" ({missing} replies missing)" : ""),
                $"{Fmt(g.Milliseconds, 0)} ms")));
            var ticks = t.Announces.Where(a => Ms(a.T) >= -AxisBeforeMs && Ms(a.T) <= AxisAfterMs)
                .Select(a => new SvgLaneTick(2, Ms(a.T), a.Kind == "garp" ? GarpColor : RarpColor, $"{t.Name}: {a.Kind} at {Fmt(Ms(a.T), 0)} ms")).ToList();
            var elsewhere = t.PingGaps.Except(near).ToList();
            var label = new List<string> { t.Name, t.Workload, $"network {Fmt(t.NetworkDowntimeMs, 0)} ms · QEMU {Fmt(t.QemuDowntimeMs, 0)} ms" };
            if (elsewhere.Count > 0)
                label.Add($"+{elsewhere.Count} other gap{(elsewhere.Count == 1 ? "" : "s")}, ≤ {Fmt(elsewhere.Max(g => g.Milliseconds), 0)} ms");
            lanes.Add(new SvgLane(label, spans, ticks));
            foreach (var x in spans.SelectMany(sp => new[] { sp.From, sp.To }).Concat(ticks.Select(k => k.X)))
            {
                xMin = Math.Min(xMin, x);
                xMax = Math.Max(xMax, x);
            }
        }
        var legend = new List<SvgLegendItem>
        {
            new("guest paused (source STOP → destination RESUME)", PauseColor),
            new("no ping reply (gap > 3 intervals)", GapColor),
            new("RARP from QEMU", RarpColor, IsTick: true),
            new("gratuitous ARP from the guest", GarpColor, IsTick: true),
        };
        var spec = new SvgTimelineSpec(id, title, "milliseconds after the source paused the guest (the switch-over)",
            Math.Max(xMin, -AxisBeforeMs), Math.Min(xMax, AxisAfterMs),
            ["paused", "ping gap", "announce"], lanes, legend, $"Ping every {Fmt(MigrationTimeline.PingInterval(timelines), 0)} ms from the lab bridge; frames captured on br0. Profile {profile}.");
        return new ReportChart(id, id + fileSuffix + ".svg", title,
            $"{title}, one lane per migration, aligned on the moment the source paused the guest: "
            + "how long the guest was paused, how long a pinging peer heard nothing, and when the destination announced the guest's MAC.",
            SvgTimelineChart.Render(spec));
    }
}
