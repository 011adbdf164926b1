using System.Globalization;
using System.Xml.Linq;
using VirtLab.Records;
using VirtLab.Report;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>Questions D and F over time: the timeline model from records and the two charts drawn from it.</summary>
public class MigrationChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static IReadOnlyList<Record> Fixture() => RecordFile.Read(ReportWorkspace.MigrationFixture);

    private static List<XElement> WithClass(XDocument doc, string name, string cls) =>
        doc.Descendants(Svg + name).Where(e => (string?)e.Attribute("class") == cls).ToList();

    [Theory]
    [InlineData(-1250, 950, -1500, 1000, 500)]
    [InlineData(-3.6, 6.3, -4, 8, 2)]
    [InlineData(0, 0.4, 0, 0.4, 0.05)]
    public void A_time_axis_widens_to_whole_round_steps_either_side_of_zero(double min, double max, double lo, double hi, double step)
    {
        var (a, b, ticks) = SvgScale.Axis(min, max, 8);
        Assert.Equal(lo, a, 9);
        Assert.Equal(hi, b, 9);
        Assert.Equal(step, ticks[1] - ticks[0], 9);
        Assert.Contains(0.0, ticks);
        Assert.Equal("0", SvgScale.Label(-0.0001, 1));
    }

    [Fact]
    public void Each_point_is_drawn_over_the_interval_that_ended_at_it()
    {
        var steps = SvgTimeSeriesChart.Steps([new(-2.5, 1), new(-2, 2), new(-1, 3)]);

        Assert.Equal((-3.0, -2.5, 1.0), steps[0]); // the first takes the second's width
        Assert.Equal((-2.5, -2.0, 2.0), steps[1]);
        Assert.Equal((-2.0, -1.0, 3.0), steps[2]);
    }

    [Fact]
    public void The_timeline_model_reads_pause_series_gaps_and_announces_from_the_records()
    {
        var timelines = MigrationTimeline.From(Fixture());
        var records = Fixture();

        Assert.Equal(["homework", "homework #2", "homework #3", "dirty-default", "dirty-auto-converge"], timelines.Select(t => t.Name));
        var iperf = timelines[0];
        Assert.True(iperf.Completed);
        Assert.Equal("throughput", iperf.WorkloadMetric);
        Assert.Equal("Gbit/s", iperf.WorkloadUnit);
        var series = records.Where(r => r.Label("scenario") == "homework" && r.Label("workload") == "iperf" && r.Label("kind") == "series" && r.Label("phase") == "migration").ToList();
        Assert.Equal(series.Count, iperf.WorkloadSeries.Count);
        Assert.Equal(series.Min(r => double.Parse(r.Label("t")!, CultureInfo.InvariantCulture)), iperf.WorkloadSeries[0].T);
        Assert.Equal(records.Single(r => r.Label("workload") == "iperf" && r.Metric == "migration_source_stopped_at").Value, iperf.SourceStoppedAt);
        Assert.Equal(records.Single(r => r.Label("workload") == "iperf" && r.Metric == "workload_rate" && r.Label("phase") == "baseline").Value, iperf.BaselineRate);
        Assert.Equal(records.Count(r => r.Label("workload") == "iperf" && r.Metric == "ping_gap"), iperf.PingGaps.Count);
        Assert.Contains(iperf.Announces, a => a.Kind == "rarp" && a.T >= iperf.DestinationResumedAt);
        Assert.Equal(20, iperf.PingIntervalMs);

        var notConverged = timelines.Single(t => t.Scenario == "dirty-default");
        Assert.False(notConverged.Completed);
        Assert.Equal(notConverged.ElapsedSeconds, notConverged.WindowEnd);
        Assert.Empty(notConverged.WorkloadSeries); // the dirty-memory load has no series
    }

    [Fact]
    public void The_silence_across_the_pause_says_how_long_before_the_pause_it_began()
    {
        var timelines = MigrationTimeline.From(Fixture());
        var records = Fixture();

        foreach (var t in timelines.Where(t => t.Completed))
        {
            var gap = t.SilenceAcrossPause!;
            // The gap the chart and table use is the one the experiment recorded as network downtime.
            Assert.Equal(records.Single(r => r.Label("scenario") == t.Scenario && r.Label("migration") == $"{t.Index}" && r.Metric == "network_downtime").Value, gap.Milliseconds);
            Assert.True(t.PausedMs > 0);
            Assert.InRange(t.FirstAnnounceAfterResumeMs!.Value, 0, 100);
        }
        // A guest answering normally was last heard within a ping interval or so of the pause; the
        // auto-converge guest (throttled to 99 %) had been silent for most of a second.
        Assert.All(timelines.Where(t => t.Scenario == "homework"), t => Assert.False(t.SilenceBeganBeforePause, $"{t.Name}: {t.SilenceLeadMs} ms"));
        var throttled = timelines.Single(t => t.Scenario == "dirty-auto-converge");
        Assert.True(throttled.SilenceBeganBeforePause);
        Assert.True(throttled.SilenceLeadMs > 10 * throttled.PausedMs);
        Assert.Null(timelines.Single(t => t.Scenario == "dirty-default").SilenceAcrossPause);
    }

    [Fact]
    public void A_silence_too_short_for_a_ping_gap_event_comes_from_the_network_downtime_figure()
    {
        // Records written since network_downtime carries labels.t: a 30 ms silence across the pause has
        // no ping_gap event (those start at three intervals), but the figure says where it began.
        var records = Fixture().Where(r => !(r.Label("workload") == "iperf" && r.Metric == "ping_gap"))
            .Select(r => r.Label("workload") == "iperf" && r.Metric == "network_downtime"
                ? r with { Labels = new SortedDictionary<string, string>(r.Labels.ToDictionary()) { ["t"] = "0.880" } }
                : r).ToList();
        var iperf = MigrationTimeline.From(records)[0];

        var silence = iperf.SilenceAcrossPause!;
        Assert.Equal(0.880, silence.StartT);
        Assert.Equal(iperf.NetworkDowntimeMs, silence.Milliseconds);
        Assert.Null(silence.MissingReplies);
        var chart = XDocument.Parse(ReportMigrationCharts.PingGapTimeline([iperf], "", "quick")!.Svg);
        Assert.Contains(WithClass(chart, "rect", "span"), s => s.Element(Svg + "title")!.Value.StartsWith("homework: no ping reply for", StringComparison.Ordinal));
    }

    [Fact]
    public void D_draws_one_panel_per_workload_series_with_baseline_migration_window_and_switch_over()
    {
        var timelines = MigrationTimeline.From(Fixture());
        var chart = ReportMigrationCharts.WorkloadTimeSeries(timelines, "-quick", "quick")!;
        var doc = XDocument.Parse(chart.Svg);

        Assert.Equal("d-timeseries-quick.svg", chart.FileName);
        Assert.Equal(3, WithClass(doc, "g", "panel").Count);
        Assert.Equal(3, WithClass(doc, "path", "series").Count);
        Assert.Equal(3, WithClass(doc, "line", "baseline").Count);
        Assert.Equal(6, WithClass(doc, "rect", "band").Count); // migration window + pause, per panel
        Assert.Equal(3, WithClass(doc, "line", "mark").Count);
        // Traceable: the iperf panel's lowest interval is the fixture's lowest throughput point during the migration.
        var lowest = Fixture().Where(r => r.Label("workload") == "iperf" && r.Label("kind") == "series" && r.Label("phase") == "migration").MinBy(r => r.Value)!;
        Assert.Contains(WithClass(doc, "path", "series"), p => p.Element(Svg + "title")!.Value.Contains(
            $"lowest {lowest.Value!.Value.ToString("F2", CultureInfo.InvariantCulture)} Gbit/s at t = {lowest.Label("t")} s", StringComparison.Ordinal));
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("Gbit/s", texts);
        Assert.Contains("switch-over", texts);
        Assert.Contains(SvgTimeSeriesChart.BaselineName, texts);
    }

    [Fact]
    public void The_convergence_chart_has_a_panel_per_scenario_and_a_line_per_migration_ending_where_it_ended()
    {
        var timelines = MigrationTimeline.From(Fixture());
        var doc = XDocument.Parse(ReportMigrationCharts.Convergence(timelines, "-quick", "quick")!.Svg);

        // Every migration since issue 13 (homework's three, dirty-default, dirty-auto-converge), not each scenario's first.
        Assert.Equal(5, WithClass(doc, "path", "series").Count);
        Assert.Equal(3, WithClass(doc, "g", "panel").Count);
        var ends = WithClass(doc, "circle", "series-end").Select(c => c.Element(Svg + "title")!.Value).ToList();
        var stuck = Fixture().Where(r => r.Label("scenario") == "dirty-default" && r.Metric == "ram_remaining")
            .MaxBy(r => double.Parse(r.Label("t")!, CultureInfo.InvariantCulture))!;
        Assert.Contains($"dirty-default (dirty-memory): did-not-converge at {double.Parse(stuck.Label("t")!, CultureInfo.InvariantCulture).ToString("F2", CultureInfo.InvariantCulture)} s with {stuck.Value!.Value.ToString("F1", CultureInfo.InvariantCulture)} MiB still to send", ends);
        Assert.Contains(ends, e => e.StartsWith("dirty-auto-converge (dirty-memory): completed at", StringComparison.Ordinal) && e.Contains(" 0.0 MiB still to send", StringComparison.Ordinal));
        Assert.Contains(ends, e => e.StartsWith("homework #3 (sysbench-memory): completed at", StringComparison.Ordinal));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value.StartsWith("dirty-auto-converge (auto-converge): 1 completed, throttle up to", StringComparison.Ordinal));
    }

    [Fact]
    public void D_has_no_time_series_chart_when_no_workload_recorded_a_series()
    {
        var timelines = MigrationTimeline.From(Fixture().Where(r => r.Label("kind") != "series").ToList());
        Assert.Null(ReportMigrationCharts.WorkloadTimeSeries(timelines, "", "quick"));
    }

    [Fact]
    public void F_aligns_each_migration_on_its_switch_over_and_says_why_a_lane_has_none()
    {
        var timelines = MigrationTimeline.From(Fixture());
        var chart = ReportMigrationCharts.PingGapTimeline(timelines, "-quick", "quick")!;
        var doc = XDocument.Parse(chart.Svg);

        Assert.Equal(5, WithClass(doc, "g", "lane").Count);
        Assert.Single(WithClass(doc, "rect", "no-switch-over"));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value.StartsWith("did-not-converge after", StringComparison.Ordinal));
        // Traceable: the homework iperf lane's gap is the fixture's network_downtime, drawn from the last reply before the pause.
        var downtime = Fixture().Single(r => r.Label("workload") == "iperf" && r.Metric == "network_downtime").Value!.Value;
        Assert.Contains(WithClass(doc, "rect", "span"), s => s.Element(Svg + "title")!.Value
            .StartsWith($"homework: no ping reply for {downtime.ToString("F0", CultureInfo.InvariantCulture)} ms from -", StringComparison.Ordinal));
        // Announce frames after the resume are ticks; gaps well before the switch-over (throttled, or the workload starting) are counted beside the lane.
        Assert.True(WithClass(doc, "line", "tick").Count >= 10);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value.StartsWith("+", StringComparison.Ordinal) && t.Value.Contains("other gap", StringComparison.Ordinal));
    }

    [Fact]
    public void A_span_that_starts_before_the_axis_is_clipped_and_keeps_its_length_as_a_label()
    {
        var spec = new SvgTimelineSpec("t", "Timeline <&>", "ms", -250, 500, ["paused", "gap"],
        [
            new SvgLane(["lane one", "sub"], [new SvgLaneSpan(1, -1001, 0, "#c0392b", "gap of 1001 ms", "1001 ms"), new SvgLaneSpan(0, 0, 60, "#e08a2c", "paused")], []),
            new SvgLane(["lane two"], [], [], Note: "did-not-converge"),
        ], [new SvgLegendItem("paused", "#e08a2c"), new SvgLegendItem("frame", "#7a5aa6", IsTick: true)]);
        var doc = XDocument.Parse(SvgTimelineChart.Render(spec));

        var spans = WithClass(doc, "rect", "span");
        Assert.Equal(2, spans.Count);
        var clipped = spans.Single(s => s.Element(Svg + "title")!.Value == "gap of 1001 ms");
        Assert.True(double.Parse((string)clipped.Attribute("x")!, CultureInfo.InvariantCulture) >= 176);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "◂ 1001 ms");
        Assert.Single(WithClass(doc, "rect", "no-switch-over"));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "Timeline <&>");
    }
}
