using static VirtLab.Report.TemplateRenderer.Formatting;
namespace VirtLab.Report;

/// <summary>The report's charts, built from the question models (never from anything else).</summary>
public static class ReportCharts
{
    internal const string MeasuredColor = "#3b6ea8";
    private const string ImportedColor = "#8c6d46";

    public static List<ReportChart> Build(ReportModel model, string fileSuffix)
    {
        var charts = new List<ReportChart>();
        if (model.B.Cpu is { } cpu && cpu.Rows.Count > 0)
            charts.Add(Sysbench("b-cpu", cpu, model.B, fileSuffix, model.Profile, "sysbench cpu: events per second (higher is better)", 1));
        if (model.B.Memory is { } memory && memory.Rows.Count > 0)
            charts.Add(Sysbench("b-memory", memory, model.B, fileSuffix, model.Profile, "sysbench memory: transfer rate (higher is better)", 0));
        if (model.C.Rows.Count > 0 || model.C.Imported.Count > 0)
            charts.Add(Iperf(model.C, fileSuffix, model.Profile));
        if (model.C.Latency.Summary is { Cells.Count: > 0 } latency)
            charts.Add(Latency("c-latency", "TCP round-trip latency (sockperf ping-pong) per NIC model and direction", latency, fileSuffix, model.Profile));
        charts.AddRange(ReportMigrationCharts.Build(model.Migration, fileSuffix, model.Profile));
        return charts;
    }

    public static ReportChart Sysbench(string id, SysbenchView view, QuestionB b, string fileSuffix, string profile, string title, int decimals)
    {
        var groups = view.Rows.Select(r => new SvgBarGroup(r.Accel, [Bar("measured here", r)])).ToList();
        groups.AddRange(b.Imported.Where(i => i.Workload == view.Workload)
            .Select(i => new SvgBarGroup($"{i.Row.Accel}\n{i.Machine} (imported)", [Bar($"imported", i.Row)])));
        var series = new List<SvgSeries> { new("measured here", MeasuredColor) };
        if (groups.Any(g => g.Bars.Any(x => x.Series == "imported"))) series.Add(new SvgSeries("imported", ImportedColor));
        var repeats = view.Rows.Where(r => r.Status == "measured").Select(r => r.Count).DefaultIfEmpty(0).Max();
        var footnote = $"Bars: median of {repeats} repeat(s); whiskers: min–max; dots: every repeat. Profile {profile}.";
        var spec = new SvgBarChartSpec(id, title, view.Unit, series, groups, decimals, footnote);
        var caption = $"{title}, {view.Unit}, per accelerator; median of the repeats with min–max whiskers"
            + (view.Kvm is { Status: not "measured" } ? "; the hatched slot is KVM, not measured on this host (reason in the text)." : ".");
        return new ReportChart(id, id + fileSuffix + ".svg", title, caption, SvgBarChart.Render(spec));
    }

    public static ReportChart Iperf(QuestionC c, string fileSuffix, string profile)
    {
        var directions = c.Rows.Concat(c.Imported).Select(r => r.Direction).Distinct()
            .OrderBy(d => Array.IndexOf(ReportIperf.DirectionOrder, d) is var i && i >= 0 ? i : 99).ToList();
        var series = directions.Select((d, i) => new SvgSeries(d, SvgBarChart.Palette[i % SvgBarChart.Palette.Length])).ToList();
        var groups = c.Rows.GroupBy(r => r.Nic)
            .Select(g => new SvgBarGroup(g.Key, g.Select(r => Bar(r.Direction, r)).ToList())).ToList();
        groups.AddRange(c.Imported.GroupBy(r => (r.Machine, r.Nic))
            .Select(g => new SvgBarGroup($"{g.Key.Nic}\n{g.Key.Machine} (imported)", g.Select(r => Bar(r.Direction, r)).ToList())));
        var loopback = c.Loopback?.Median is { } lo
            ? $" Host loopback reference (not drawn): {Fmt(lo)} Gbit/s." : "";
        var footnote = $"Bars: median over repeats; whiskers: min–max; dots: every repeat. Profile {profile}.{loopback}";
        const string title = "iperf TCP throughput per NIC model and direction";
        var spec = new SvgBarChartSpec("c-throughput", title, "Gbit/s", series, groups, 2, footnote);
        var caption = $"{title} (Gbit/s, higher is better); median of the repeats with min–max whiskers.";
        return new ReportChart("c-throughput", "c-throughput" + fileSuffix + ".svg", title, caption, SvgBarChart.Render(spec));
    }

    /// <summary>
    /// A latency summary as bars (median p50) with a whisker up to the median p99 and a dot at the
    /// median p99.9; groups are NIC models, one bar per direction, the host's loopback last as reference.
    /// </summary>
    public static ReportChart Latency(string id, string title, LatencySummary summary, string fileSuffix, string profile)
    {
        var unit = summary.Unit == "us" ? "µs" : summary.Unit;
        var directions = summary.Cells.Select(c => c.Direction).Distinct()
            .OrderBy(d => Array.IndexOf(ReportIperf.DirectionOrder, d) is var i && i >= 0 ? i : 99).ToList();
        var series = directions.Select((d, i) => new SvgSeries(d, SvgBarChart.Palette[i % SvgBarChart.Palette.Length])).ToList();
        var groups = summary.Cells.GroupBy(c => c.Nic)
            .Select(g => new SvgBarGroup(g.First().IsLoopback ? $"{g.Key}\n(host reference)" : g.Key, g.Select(c => Bar(c, unit)).ToList())).ToList();
        var footnote = $"Bars: median p50 over {summary.Repeats} repeat(s); whiskers up to the median p99; dots: median p99.9. Profile {profile}.";
        var spec = new SvgBarChartSpec(id, title, $"round trip, {unit}", series, groups, 0, footnote, WhiskerLabel: "p50–p99", MarkLabel: "p99.9");
        var caption = $"{title} ({unit}, lower is better): bars are the median p50 of the repeats, whiskers reach the median p99, dots mark the median p99.9.";
        return new ReportChart(id, id + fileSuffix + ".svg", title, caption, SvgBarChart.Render(spec));
    }

    private static SvgBar Bar(LatencyCell c, string unit) => c.Measured
        ? new SvgBar(c.Direction, c.P50, c.P50, c.P99, Mark: c.P999,
            Tooltip: $"{c.Nic} {c.Direction}: p50 {Fmt(c.P50, 1)} {unit}, p99 {Fmt(c.P99, 1)}, p99.9 {Fmt(c.P999, 1)} (medians of n={c.Repeats})")
        : new SvgBar(c.Direction, null, Note: "unavailable", Tooltip: c.Reason);

    private static SvgBar Bar(string series, AccelRow r) => r.Status == "measured"
        ? new SvgBar(series, r.Median, r.Min, r.Max, Tooltip: $"{r.Accel}: median {Fmt(r.Median)} {r.Unit} (min {Fmt(r.Min)}, max {Fmt(r.Max)}, n={r.Count})", Points: r.Values)
        : new SvgBar(series, null, Note: "unavailable", Tooltip: r.Reason);

    private static SvgBar Bar(string series, IperfRow r) => r.Measured
        ? new SvgBar(series, r.Median, r.Min, r.Max, Tooltip: $"{r.Nic} {r.Direction}: median {Fmt(r.Median)} Gbit/s (min {Fmt(r.Min)}, max {Fmt(r.Max)}, n={r.Count})", Points: r.Values)
        : new SvgBar(series, null, Note: "unavailable", Tooltip: r.Reason);
}
