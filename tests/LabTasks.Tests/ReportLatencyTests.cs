using System.Globalization;
using System.Xml.Linq;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Stats;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>
/// Question C's round-trip latency (sockperf ping-pong) against the fixture's latency records
/// (constructed in the agreed schema, see tests/fixtures/records/README.md) joined to the real iperf records.
/// </summary>
public class ReportLatencyTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static ReportOutput Render(ReportWorkspace ws, bool withLatency = true)
    {
        if (withLatency) ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture, ReportWorkspace.LatencyFixture);
        else ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture);
        return ReportGenerator.Render(ws.Options());
    }

    private static IReadOnlyList<Record> LatencyRecords => RecordFile.Read(ReportWorkspace.LatencyFixture);

    /// <summary>The median over repeats of one statistic of one cell, straight from the records.</summary>
    private static double Median(string statistic, string nic, string direction) =>
        SampleStatistics.From(LatencyRecords.Where(r => r.Metric == (statistic == "observations" ? "tcp_rr_observations" : "tcp_rr_latency_" + statistic)
            && r.Label("nic") == nic && r.Label("direction") == direction).Select(r => r.Value!.Value)).Median;

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    [Fact]
    public void The_fixture_has_two_repeats_per_cell_so_the_median_is_not_just_one_run()
    {
        var p50 = LatencyRecords.Where(r => r.Metric == "tcp_rr_latency_p50" && r.Label("nic") == "e1000" && r.Label("direction") == "guest-to-host").ToList();
        Assert.Equal(["1", "2"], p50.Select(r => r.Label("repeat")));
        Assert.NotEqual(p50[0].Value, p50[1].Value);
    }

    [Fact]
    public void The_latency_table_quotes_each_cells_medians_and_ratios_traced_from_the_records()
    {
        using var ws = new ReportWorkspace();
        var output = Render(ws);
        var c = ReportWorkspace.DataSection(output.DataMarkdown, "C");

        foreach (var nic in new[] { "virtio-net-pci", "e1000", "rtl8139" })
        foreach (var direction in new[] { "guest-to-host", "host-to-guest" })
        {
            var (p50, p99, p999) = (Median("p50", nic, direction), Median("p99", nic, direction), Median("p999", nic, direction));
            var (v50, v99, v999) = (Median("p50", "virtio-net-pci", direction), Median("p99", "virtio-net-pci", direction), Median("p999", "virtio-net-pci", direction));
            Assert.Contains($"| {nic} | {direction} | 2 | **{F(p50, 1)}** | {F(p99, 1)} | {F(p999, 1)} | {F(p50 / v50, 2)} | {F(p99 / v99, 2)} | {F(p999 / v999, 2)} | {F(Median("observations", nic, direction), 0)} |", c);
        }
        Assert.Contains($"| host loopback (reference) | host | 2 | {F(Median("p50", "loopback", "host"), 1)} |", c);
        Assert.Contains("`sockperf` 3.7 in ping-pong mode over TCP: the client sends a 64-byte message", c);
        // The iperf part still describes iperf, although sockperf's records share its file.
        Assert.Contains("`iperf3` 3.12, 3 s per run", ReportWorkspace.Section(output.Markdown, "C"));
        Assert.DoesNotContain("| virtio-net-pci | host | ", c);
    }

    [Fact]
    public void The_paragraph_quotes_this_runs_factors_and_says_which_NIC_is_faster()
    {
        using var ws = new ReportWorkspace();
        var output = Render(ws);
        var c = ReportWorkspace.Section(output.Markdown, "C");
        var data = ReportWorkspace.DataSection(output.DataMarkdown, "C");

        var virtio = Median("p50", "virtio-net-pci", "guest-to-host");
        var e1000 = Median("p50", "e1000", "guest-to-host");
        Assert.Contains($"median round trip **{F(virtio, 1)} µs** with virtio-net, **{F(e1000, 1)} µs** with e1000 — e1000 takes **{F(e1000 / virtio, 2)}×** as long at p50", data);
        var factors = new[] { "e1000", "rtl8139" }.SelectMany(n => new[] { "guest-to-host", "host-to-guest" }
            .Select(d => Median("p50", n, d) / Median("p50", "virtio-net-pci", d))).ToList();
        Assert.Contains($"virtio-net had the lowest median round trip in every direction, the emulated models taking {F(factors.Min(), 2)}–{F(factors.Max(), 2)}× as long at p50", c);
        var virtioTails = new[] { "guest-to-host", "host-to-guest" }.Select(d => Median("p999", "virtio-net-pci", d) / Median("p50", "virtio-net-pci", d)).ToList();
        Assert.Contains($"p99.9 was {F(virtioTails.Min(), 1)}–{F(virtioTails.Max(), 1)}× the p50 for virtio-net", data);
        Assert.Contains("These are TCG's microseconds, not KVM's.", c);
        Assert.Contains("ITR", c);
        Assert.DoesNotContain("does not fully agree", c);
    }

    [Fact]
    public void When_an_emulated_NIC_answers_faster_the_paragraph_says_so_instead_of_claiming_virtio_wins()
    {
        using var ws = new ReportWorkspace();
        var iperf = RecordFile.Read(ReportWorkspace.IperfFixture);
        // e1000 host-to-guest made faster than virtio-net: the explanation must not claim what the numbers contradict.
        var latency = LatencyRecords.Select(r => r.Label("nic") == "e1000" && r.Label("direction") == "host-to-guest" && r.Metric == "tcp_rr_latency_p50"
            ? r with { Value = r.Value / 3 } : r).ToList();
        ws.Write(ReportIperf.Experiment, iperf.Concat(latency));
        var c = ReportWorkspace.Section(ReportGenerator.Render(ws.Options()).Markdown, "C");

        var e1000 = SampleStatistics.From(latency.Where(r => r.Label("nic") == "e1000" && r.Label("direction") == "host-to-guest" && r.Metric == "tcp_rr_latency_p50")
            .Select(r => r.Value!.Value)).Median;
        Assert.Contains($"this run does not fully agree: e1000 host-to-guest had the lower p50 ({F(e1000, 1)} µs against virtio-net's {F(Median("p50", "virtio-net-pci", "host-to-guest"), 1)} µs)", c);
        Assert.DoesNotContain("lowest median round trip in every direction", c);
    }

    [Fact]
    public void The_chart_draws_median_p50_bars_whiskers_to_p99_and_dots_at_p999_from_the_records()
    {
        using var ws = new ReportWorkspace();
        var chart = Render(ws).Charts.Single(ch => ch.Id == "c-latency");
        var doc = XDocument.Parse(chart.Svg);
        double A(XElement e, string name) => double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);

        var bars = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        var whiskers = doc.Descendants(Svg + "line").Where(l => (string?)l.Attribute("class") == "whisker").ToList();
        var marks = doc.Descendants(Svg + "circle").Where(m => (string?)m.Attribute("class") == "mark").ToList();
        Assert.Equal(7, bars.Count); // 3 NIC models × 2 directions + loopback
        Assert.Equal(7, whiskers.Count);
        Assert.Equal(7, marks.Count);

        var baseline = A(bars[0], "y") + A(bars[0], "height");
        var pixelsPerMicrosecond = A(bars[0], "height") / Median("p50", "virtio-net-pci", "guest-to-host");
        var cells = new[] { "virtio-net-pci", "e1000", "rtl8139" }.SelectMany(n => new[] { (n, "guest-to-host"), (n, "host-to-guest") }).Append(("loopback", "host")).ToList();
        for (var i = 0; i < cells.Count; i++)
        {
            var (nic, direction) = cells[i];
            Assert.StartsWith($"{nic} {direction}: p50 {F(Median("p50", nic, direction), 1)} µs", bars[i].Element(Svg + "title")!.Value);
            Assert.Equal(baseline, A(bars[i], "y") + A(bars[i], "height"), 0.1);
            Assert.Equal(Median("p50", nic, direction) * pixelsPerMicrosecond, A(bars[i], "height"), 0.1);
            Assert.Equal(baseline - Median("p50", nic, direction) * pixelsPerMicrosecond, A(whiskers[i], "y1"), 0.1);
            Assert.Equal(baseline - Median("p99", nic, direction) * pixelsPerMicrosecond, A(whiskers[i], "y2"), 0.1);
            Assert.Equal(baseline - Median("p999", nic, direction) * pixelsPerMicrosecond, A(marks[i], "cy"), 0.1);
            Assert.Equal(A(bars[i], "x") + A(bars[i], "width") / 2, A(marks[i], "cx"), 0.1);
        }
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains(F(Median("p999", "rtl8139", "guest-to-host"), 0), texts);
        Assert.Contains("p50–p99", texts);
        Assert.Contains("p99.9", texts);
        Assert.Contains("(host reference)", texts);
        Assert.Contains("](charts/c-latency-quick.svg)", ReportWorkspace.Section(Render(ws).Markdown, "C"));
    }

    [Fact]
    public void A_run_without_latency_records_renders_C_saying_latency_was_not_measured()
    {
        using var ws = new ReportWorkspace();
        var output = Render(ws, withLatency: false);
        var c = ReportWorkspace.Section(output.Markdown, "C");

        Assert.Contains("**Latency not measured in this run.** The records contain no `tcp_rr_latency_*` records", c);
        Assert.Contains("`dotnet build experiments/virtio-vs-e1000.proj -p:Profile=quick`", c);
        Assert.Contains("virtio-net moved **", c); // the throughput answer is unchanged
        Assert.DoesNotContain(output.Charts, ch => ch.Id == "c-latency");
        Assert.DoesNotContain("C. TCP round trip", output.Markdown);
        Assert.DoesNotContain("charts.c_latency", output.Markdown);
    }

    [Fact]
    public void A_report_without_any_C_record_says_latency_was_not_measured_too()
    {
        using var ws = new ReportWorkspace();
        var c = ReportWorkspace.Section(ReportGenerator.Render(ws.Options()).Markdown, "C");

        Assert.Contains("**Not measured yet.**", c);
        Assert.Contains("**Latency not measured in this run.** Running `dotnet build experiments/virtio-vs-e1000.proj -p:Profile=quick` measures it", c);
    }

    [Fact]
    public void An_unavailable_latency_cell_is_a_table_row_with_its_reason_and_a_hatched_slot()
    {
        using var ws = new ReportWorkspace();
        var unavailable = new Record("tcp_rr_latency_p50", null, "us", new SortedDictionary<string, string>
        {
            ["nic"] = "rtl8139", ["direction"] = "host-to-guest", ["tool"] = "sockperf", ["status"] = Record.StatusUnavailable,
            ["reason"] = "sockperf server did not answer",
        }, DateTimeOffset.UnixEpoch);
        var latency = LatencyRecords.Where(r => !(r.Label("nic") == "rtl8139" && r.Label("direction") == "host-to-guest")).Append(unavailable);
        ws.Write(ReportIperf.Experiment, RecordFile.Read(ReportWorkspace.IperfFixture).Concat(latency));
        var output = ReportGenerator.Render(ws.Options());
        var c = ReportWorkspace.DataSection(output.DataMarkdown, "C");

        Assert.Contains("| rtl8139 | host-to-guest | 0 | *unavailable* |", c);
        Assert.Contains("*rtl8139 host-to-guest*: sockperf server did not answer", c);
        // iperf's rtl8139 host-to-guest row is still iperf's measured one.
        Assert.Contains("| rtl8139 | host-to-guest | 2 | ", c);
        var slot = XDocument.Parse(output.Charts.Single(ch => ch.Id == "c-latency").Svg).Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == "unavailable");
        Assert.Equal("sockperf server did not answer", slot.Element(Svg + "title")?.Value);
    }

    [Fact]
    public void The_experiment_summary_has_a_latency_table_and_none_for_older_runs()
    {
        using var ws = new ReportWorkspace();
        var template = Path.Combine(RepoCopy.FindRepoRoot(), "templates", "virtio-vs-e1000-summary.md.sbn");
        var extra = new Dictionary<string, object?> { ["records_file"] = "records.ndjson", ["missing_cells"] = 0 };
        var iperf = RecordFile.Read(ReportWorkspace.IperfFixture);

        var with = TemplateRenderer.Render(template, IperfSummary.From(ReportIperf.Experiment, "quick", iperf.Concat(LatencyRecords).ToList()), extra);
        var (p50, v50) = (Median("p50", "e1000", "host-to-guest"), Median("p50", "virtio-net-pci", "host-to-guest"));
        var low = LatencyRecords.Where(r => r.Metric == "tcp_rr_latency_p50" && r.Label("nic") == "e1000" && r.Label("direction") == "host-to-guest").Min(r => r.Value!.Value);
        var high = LatencyRecords.Where(r => r.Metric == "tcp_rr_latency_p50" && r.Label("nic") == "e1000" && r.Label("direction") == "host-to-guest").Max(r => r.Value!.Value);
        Assert.Contains("## Round-trip latency (sockperf ping-pong over TCP)", with);
        Assert.Contains($"| e1000 | host-to-guest | 2 | {F(p50, 1)} | {F(Median("p99", "e1000", "host-to-guest"), 1)} | {F(Median("p999", "e1000", "host-to-guest"), 1)} | {F(low, 1)} – {F(high, 1)} | {F(p50 / v50, 2)} |", with);
        Assert.Contains("| loopback | host | 2 | ", with);
        // The throughput environment is iperf's, not sockperf's.
        Assert.Contains("| tool | iperf3 |", with);

        var without = TemplateRenderer.Render(template, IperfSummary.From(ReportIperf.Experiment, "quick", iperf), extra);
        Assert.DoesNotContain("Round-trip latency", without);
        Assert.StartsWith("# virtio-vs-e1000: TCP throughput with a paravirtualized NIC", without);
    }

    [Fact]
    public void Another_request_response_family_is_summarized_by_naming_it()
    {
        var udp = LatencyRecords.Select(r => r with { Metric = r.Metric.Replace("tcp_rr", "udp_rr", StringComparison.Ordinal) }).ToList();

        var summary = LatencySummary.From(udp, "udp_rr")!;
        Assert.Null(LatencySummary.From(udp));
        Assert.Equal(Median("p50", "e1000", "guest-to-host"), summary.Cells.Single(c => c.Nic == "e1000" && c.Direction == "guest-to-host").P50);
        var chart = ReportCharts.Latency("x-udp", "UDP round trip", summary, "", "quick");
        Assert.Equal(7, XDocument.Parse(chart.Svg).Descendants(Svg + "circle").Count(m => (string?)m.Attribute("class") == "mark"));
    }

    [Fact]
    public void A_real_capture_renders_its_own_medians_and_the_paragraph_follows_which_NIC_was_faster()
    {
        // Measured by virtio-vs-e1000.proj -p:Profile=quick on a loaded 2-core TCG host (see the fixtures README).
        var real = Path.Combine(Path.GetDirectoryName(ReportWorkspace.LatencyFixture)!, "latency.ndjson");
        var records = RecordFile.Read(real);
        double P50(string nic, string direction) => SampleStatistics.From(records.Where(r => r.Metric == "tcp_rr_latency_p50"
            && r.Label("nic") == nic && r.Label("direction") == direction).Select(r => r.Value!.Value)).Median;
        using var ws = new ReportWorkspace();
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture, real);
        var output = ReportGenerator.Render(ws.Options());
        var c = ReportWorkspace.Section(output.Markdown, "C");

        foreach (var nic in new[] { "virtio-net-pci", "e1000", "rtl8139" })
            foreach (var direction in new[] { "guest-to-host", "host-to-guest" })
                Assert.Contains($"| {nic} | {direction} | 2 | **{F(P50(nic, direction), 1)}** |", ReportWorkspace.DataSection(output.DataMarkdown, "C"));
        var virtioAlwaysFastest = new[] { "guest-to-host", "host-to-guest" }
            .All(d => new[] { "e1000", "rtl8139" }.All(n => P50("virtio-net-pci", d) < P50(n, d)));
        Assert.Equal(virtioAlwaysFastest, c.Contains("lowest median round trip in every direction"));
        var virtioNeverFastest = new[] { "guest-to-host", "host-to-guest" }
            .All(d => new[] { "e1000", "rtl8139" }.All(n => P50("virtio-net-pci", d) > P50(n, d)));
        Assert.Equal(!virtioAlwaysFastest && !virtioNeverFastest, c.Contains("this run does not fully agree"));
        Assert.Equal(virtioNeverFastest, c.Contains("virtio-net was slower in every comparison, so this run contradicts"));
    }
}
