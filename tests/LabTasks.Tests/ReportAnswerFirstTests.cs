using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using VirtLab.Records;
using VirtLab.Report;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>
/// Issue 13, the report's side: each question opens with its answer from this run's numbers, the
/// full tables live in the appendix, derived columns agree with the columns beside them, and the
/// explanations follow what was measured. On the quick fixtures and on a default-profile run's records.
/// </summary>
public class ReportAnswerFirstTests
{
    private static readonly string[] Questions = ["A", "B", "C", "D", "E", "F", "G", "H"];
    private static readonly string[] Experiments = [ReportSysbench.Experiment, ReportIperf.Experiment, ReportMigration.Experiment];

    private static string DefaultFixture(string experiment) => Path.Combine(ReportWorkspace.FixtureDir, experiment + "-default", "records.ndjson");

    private static ReportOutput Quick(ReportWorkspace ws, string profile = "quick")
    {
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture, ReportWorkspace.LatencyFixture);
        ws.Place(ReportMigration.Experiment, ReportWorkspace.MigrationFixture, ReportWorkspace.MigrationFaultsFixture);
        return ReportGenerator.Generate(ws.Options(hostSetup: ReportWorkspace.HostSetupFixture) with { Profile = profile });
    }

    /// <summary>The default-profile run's records where that profile writes them (results/&lt;experiment&gt;/), rendered as report.md.</summary>
    private static ReportOutput Default(ReportWorkspace ws)
    {
        var files = new List<ReportExperimentFile>();
        foreach (var experiment in Experiments)
        {
            var target = Path.Combine(ws.Root, "results", experiment, "records.ndjson");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(DefaultFixture(experiment), target);
            files.Add(new ReportExperimentFile(experiment, target));
        }
        var results = Path.Combine(ws.Root, "results");
        return ReportGenerator.Generate(ws.Options(hostSetup: ReportWorkspace.HostSetupFixture) with
        {
            Profile = "default",
            RecordFiles = files,
            MarkdownFile = Path.Combine(results, "report.md"),
            HtmlFile = Path.Combine(results, "report.html"),
        });
    }

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>The text between a question's heading and its first "###" subheading or chart.</summary>
    private static string Opening(string markdown, string letter)
    {
        var section = ReportWorkspace.Section(markdown, letter);
        var body = section[(section.IndexOf('\n', 1) + 1)..].TrimStart('\n');
        return body.Split("\n\n")[0];
    }

    [Fact]
    public void The_default_report_stays_under_seven_thousand_words_and_its_tables_live_in_the_appendix()
    {
        using var ws = new ReportWorkspace();
        var output = Default(ws);

        var words = ReportTableCheck.Words(output.Markdown);
        Assert.True(words < 7000, $"report.md has {words} words");
        Assert.True(ReportTableCheck.Words(output.DataMarkdown) > 0);
        Assert.True(File.Exists(Path.Combine(ws.Root, "results", "report-data.md")));
        Assert.True(File.Exists(Path.Combine(ws.Root, "results", "report-data.html")));
        // The full tables are in the appendix, not in the report.
        Assert.DoesNotContain("Every figure by metric and condition", output.Markdown);
        Assert.Contains("Every figure by metric and condition", output.DataMarkdown);
        Assert.Contains("| migration | workload | QEMU downtime (ms) |", output.DataMarkdown);
        Assert.DoesNotContain("| migration | workload | QEMU downtime (ms) |", output.Markdown);
    }

    [Theory]
    [InlineData("quick")]
    [InlineData("default")]
    public void Every_question_opens_with_its_answer_and_the_overview_has_a_row_per_question(string fixture)
    {
        using var ws = new ReportWorkspace();
        var md = (fixture == "quick" ? Quick(ws) : Default(ws)).Markdown;

        foreach (var q in Questions)
        {
            Assert.StartsWith("**Answer.** ", Opening(md, q));
            Assert.Contains($"\n| {q}. ", md[..md.IndexOf("\n## A.", StringComparison.Ordinal)]);
        }
        foreach (var q in new[] { "B", "C", "D", "F" })
            Assert.Contains($"({(fixture == "quick" ? "report-quick-data.md" : "report-data.md")}#{q.ToLowerInvariant()})", ReportWorkspace.Section(md, q));
    }

    [Theory]
    [InlineData("quick")]
    [InlineData("default")]
    public void Every_derived_column_in_report_and_appendix_follows_from_the_columns_it_names(string fixture)
    {
        using var ws = new ReportWorkspace();
        var output = fixture == "quick" ? Quick(ws) : Default(ws);

        var problems = new List<string>();
        var checkedCells = 0;
        foreach (var table in ReportTableCheck.Tables(output.Markdown).Concat(ReportTableCheck.Tables(output.DataMarkdown)))
        {
            problems.AddRange(ReportTableCheck.Check(table, out var n));
            checkedCells += n;
        }
        Assert.Empty(problems);
        // The check ran on the workload table (window median ÷ baseline) and the relative-to columns of B and C.
        Assert.True(checkedCells >= 10, $"only {checkedCells} derived cells checked");
    }

    [Fact]
    public void The_table_check_catches_a_ratio_that_does_not_follow_from_its_columns()
    {
        const string md = """
            | workload | baseline median | window median | window median ÷ baseline median | during / baseline |
            |---|---:|---:|---:|---:|
            | iperf | 0.87 | 1.08 | 108.8 % | 1.2 |
            """;
        var problems = ReportTableCheck.Check(ReportTableCheck.Tables(md).Single(), out var n);

        Assert.Equal(1, n);
        Assert.Contains(problems, p => p.Contains("shows 108.8", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'during / baseline' looks like a ratio", StringComparison.Ordinal));
    }

    [Fact]
    public void B_says_plainly_that_the_with_KVM_half_was_unanswered_and_never_bolds_the_estimate()
    {
        using var ws = new ReportWorkspace();
        var md = Quick(ws).Markdown;
        var b = ReportWorkspace.Section(md, "B");

        Assert.Contains("The *with KVM* half could not be answered on this host: KVM is unavailable", Opening(md, "B"));
        var estimate = b[b.IndexOf("**What KVM would show.**", StringComparison.Ordinal)..];
        Assert.Contains("*Not measured", estimate);
        Assert.DoesNotMatch(@"\*\*[\d–,. ]+events/s\*\*", estimate);
    }

    [Fact]
    public void With_KVM_measured_B_answers_both_halves_from_the_records()
    {
        using var ws = new ReportWorkspace();
        var records = RecordFile.Read(ReportWorkspace.SysbenchFixture);
        var kvm = records.Where(r => r.Label("accel") == "host")
            .Select(r => r with { Labels = new SortedDictionary<string, string>(r.Labels) { ["accel"] = "kvm" }, Value = r.Value * 0.96 }).ToList();
        ws.Write(ReportSysbench.Experiment, records.Where(r => r.Label("accel") != "kvm").Concat(kvm));
        var opening = Opening(ReportGenerator.Generate(ws.Options()).Markdown, "B");

        var kvmRate = Stats.SampleStatistics.From(kvm.Where(r => r.Label("workload") == "cpu" && r.Metric == "events_per_second").Select(r => r.Value!.Value)).Median;
        Assert.Contains($"With KVM the guest reached {F(kvmRate, 2)} events/s", opening);
        Assert.DoesNotContain("could not be answered", opening);
    }

    [Fact]
    public void C_says_so_when_virtio_net_was_not_faster_in_a_direction()
    {
        using var ws = new ReportWorkspace();
        var iperf = RecordFile.Read(ReportWorkspace.IperfFixture)
            .Select(r => r.Metric == "throughput" && r.Label("nic") == "e1000" && r.Label("direction") == "host-to-guest" ? r with { Value = r.Value * 10 } : r).ToList();
        ws.Write(ReportIperf.Experiment, iperf);
        var md = ReportGenerator.Generate(ws.Options()).Markdown;
        var e1000 = Stats.SampleStatistics.From(iperf.Where(r => r.Metric == "throughput" && r.Label("nic") == "e1000" && r.Label("direction") == "host-to-guest").Select(r => r.Value!.Value)).Median;

        Assert.StartsWith("**Answer.** virtio-net was not faster everywhere: host-to-guest it moved ", Opening(md, "C"));
        Assert.Contains($"against e1000's {F(e1000, 3)}", Opening(md, "C"));
        Assert.Contains("not faster everywhere", md[..md.IndexOf("\n## A.", StringComparison.Ordinal)]);
    }

    [Fact]
    public void The_longer_runs_of_the_default_profile_are_recommended_only_outside_it()
    {
        using var quick = new ReportWorkspace();
        var noisy = Quick(quick).Markdown;
        Assert.Contains("default profile's longer runs", noisy);

        using var ws = new ReportWorkspace();
        Assert.DoesNotContain("default profile's longer runs", Quick(ws, profile: "default").Markdown);
    }

    [Fact]
    public void A_single_migration_is_never_called_a_median()
    {
        using var ws = new ReportWorkspace();
        var output = Quick(ws);
        var md = output.Markdown;

        // The quick fixture migrated each homework workload once.
        Assert.Contains("(one migration)", ReportWorkspace.Section(md, "D"));
        Assert.DoesNotMatch(@"median of 1\b", md);
        Assert.DoesNotContain("(medians)", md);
        var iperfDowntime = RecordFile.Read(ReportWorkspace.MigrationFixture).Single(r => r.Label("workload") == "iperf" && r.Metric == "migration_downtime").Value!.Value;
        var chart = output.Charts.Single(c => c.Id == "d-migration-downtime").Svg;
        Assert.Contains($"homework iperf: QEMU downtime {F(iperfDowntime, 2)} ms (one migration)", chart);
        Assert.DoesNotContain("homework iperf: QEMU downtime median", chart);
    }

    [Fact]
    public void D_explains_the_pause_from_outside_the_guest_and_names_a_scenario_held_by_the_cap()
    {
        using var ws = new ReportWorkspace();
        var d = ReportWorkspace.Section(Quick(ws).Markdown, "D");
        var records = RecordFile.Read(ReportWorkspace.MigrationFixture);
        double Fig(string metric) => records.Single(r => r.Label("scenario") == "homework" && r.Label("migration") == "1" && r.Metric == metric).Value!.Value;

        Assert.DoesNotContain("shows up in the maximum latency", d);
        Assert.Contains("cannot see the stop-and-copy pause", d);
        // homework #1 sent its RAM at ≥ 90 % of the 128 MiB/s cap.
        Assert.True(Fig("migration_ram_transferred") / (Fig("migration_total_time") / 1000) >= 0.9 * 128);
        Assert.Contains("**Held by the bandwidth cap.** *homework* sent its RAM at ", d);
        Assert.Contains("against a `max-bandwidth` of 128 MiB/s", d);
    }

    [Fact]
    public void Raising_the_cap_in_the_records_drops_the_cap_held_caveat()
    {
        using var ws = new ReportWorkspace();
        var raised = RecordFile.Read(ReportWorkspace.MigrationFixture).Select(r => Relabel(r, "max_bandwidth_mib", "4096"));
        ws.Write(ReportMigration.Experiment, raised);
        var d = ReportWorkspace.Section(ReportGenerator.Generate(ws.Options()).Markdown, "D");

        Assert.Contains("**Answer.**", d);
        Assert.DoesNotContain("Held by the bandwidth cap", d);
    }

    [Fact]
    public void A_capped_XBZRLE_scenario_is_said_not_to_show_the_capability_and_points_to_its_uncapped_twin()
    {
        using var ws = new ReportWorkspace();
        var dirty = RecordFile.Read(ReportWorkspace.MigrationFixture).Where(r => r.Label("scenario") == "dirty-default").ToList();
        Record As(Record r, string scenario, string cap) => r with
        {
            Labels = new SortedDictionary<string, string>(r.Labels)
            {
                ["scenario"] = scenario, ["capabilities"] = "xbzrle", ["settings"] = "XBZRLE", ["max_bandwidth_mib"] = cap,
            },
        };
        ws.Write(ReportMigration.Experiment, dirty.Select(r => As(r, "xbzrle-capped", "128")).Concat(dirty.Select(r => As(r, "xbzrle", "1024"))));
        var d = ReportWorkspace.Section(ReportGenerator.Generate(ws.Options()).Markdown, "D");

        var held = d[d.IndexOf("**Held by the bandwidth cap.**", StringComparison.Ordinal)..];
        Assert.StartsWith("**Held by the bandwidth cap.** *xbzrle-capped* sent its RAM at ", held);
        Assert.Contains("*xbzrle-capped* (XBZRLE) therefore does not show what its capability can do", held);
        Assert.Contains("*xbzrle* ran the same capabilities with the cap raised to 1024 MiB/s", held);
        Assert.DoesNotContain("; *xbzrle* sent its RAM", held); // 125 MiB/s is far below a 1024 MiB/s cap
    }

    [Fact]
    public void A_downtime_over_its_limit_is_called_out_with_its_likely_causes()
    {
        using var ws = new ReportWorkspace();
        var plain = ReportWorkspace.Section(Quick(ws).Markdown, "D");
        Assert.DoesNotContain("Over the downtime limit", plain);

        using var tight = new ReportWorkspace();
        var records = RecordFile.Read(ReportWorkspace.MigrationFixture).Select(r => Relabel(r, "downtime_limit_ms", "20")).ToList();
        tight.Write(ReportMigration.Experiment, records);
        var d = ReportWorkspace.Section(ReportGenerator.Generate(tight.Options()).Markdown, "D");
        var iperfDowntime = records.Single(r => r.Label("workload") == "iperf" && r.Metric == "migration_downtime").Value!.Value;

        Assert.Contains("**Over the downtime limit.**", d);
        Assert.Contains($"*homework* (iperf) paused {F(iperfDowntime, 0)} ms against a limit of 20 ms", d);
        Assert.Contains("is not a guarantee", d);
        Assert.Contains("device state", d);
        Assert.Contains("share the host's CPU cores", d);
        // The quick fixture's dirty-auto-converge migration paused 15 ms: within 20 ms, so not named.
        Assert.DoesNotContain("*dirty-auto-converge* (dirty-memory) paused", d);
    }

    [Fact]
    public void A_post_copy_silence_longer_than_its_pause_is_put_down_to_page_faults_after_the_resume()
    {
        using var ws = new ReportWorkspace();
        var records = RecordFile.Read(ReportWorkspace.MigrationFixture).ToList();
        var network = records.Single(r => r.Label("workload") == "iperf" && r.Metric == "network_downtime");
        var postcopy = network with { Metric = "migration_postcopy_started_at", Value = 0.4, Unit = "s" };
        records[records.IndexOf(network)] = network with { Value = 900 };
        records.Add(postcopy);
        ws.Write(ReportMigration.Experiment, records);
        var md = ReportGenerator.Generate(ws.Options()).Markdown;

        var timeline = MigrationTimeline.From(records).Single(t => t.Workload == "iperf");
        Assert.True(timeline.PostcopySilenceBeyondPause);
        Assert.False((timeline with { PostcopyStartedAt = null }).PostcopySilenceBeyondPause);
        Assert.Contains($"**Post-copy: the silence outlasted the pause.** *homework*: QEMU downtime {F(timeline.QemuDowntimeMs!.Value, 0)} ms, paused {F(timeline.PausedMs!.Value, 0)} ms, no ping reply for 900 ms", ReportWorkspace.Section(md, "D"));
        Assert.Contains("waits for the page to arrive", ReportWorkspace.Section(md, "D"));
        Assert.Contains("*homework*'s silence (900 ms) outlasted its pause", ReportWorkspace.Section(md, "F"));
    }

    [Fact]
    public void E_drops_the_per_metric_list_and_answers_a_broken_post_copy_link_with_recovery()
    {
        using var ws = new ReportWorkspace();
        var e = ReportWorkspace.Section(Quick(ws).Markdown, "E");

        Assert.DoesNotContain("- `migration_", e);
        Assert.DoesNotContain("the VM is lost", e);
        Assert.Contains("`migrate-recover`", e);
        // The faults fixture cut a post-copy stream; E cites where the guest ended.
        Assert.Contains("this run cut the stream after a post-copy switch-over and the guest ended **survived-on-destination**", e);
        Assert.DoesNotContain("compress or parallelize", e);
    }

    [Fact]
    public void The_convergence_chart_draws_every_migration_and_the_switch_over_threshold()
    {
        var records = RecordFile.Read(ReportWorkspace.MigrationFixture);
        var timelines = MigrationTimeline.From(records);
        XNamespace svg = "http://www.w3.org/2000/svg";
        var doc = XDocument.Parse(ReportMigrationCharts.Convergence(timelines, "-quick", "quick")!.Svg);

        var drawn = doc.Descendants(svg + "path").Count(p => (string?)p.Attribute("class") == "series");
        Assert.Equal(timelines.Count(t => t.RamRemaining.Count > 0), drawn);
        var limit = double.Parse(records[0].Label("downtime_limit_ms")!, CultureInfo.InvariantCulture);
        var cap = double.Parse(records[0].Label("max_bandwidth_mib")!, CultureInfo.InvariantCulture);
        var thresholds = doc.Descendants(svg + "line").Where(l => (string?)l.Attribute("class") == "baseline").Select(l => l.Element(svg + "title")!.Value).ToList();
        Assert.Equal(timelines.Select(t => t.Scenario).Distinct().Count(), thresholds.Count);
        Assert.All(thresholds, t => Assert.Equal($"switch-over threshold: {F(cap, 0)} MiB/s × {F(limit, 0)} ms: {F(cap * limit / 1000, 0)} MiB", t));
    }

    [Fact]
    public void The_appendix_has_an_anchor_per_question_in_markdown_and_html()
    {
        using var ws = new ReportWorkspace();
        var output = Quick(ws);

        foreach (var q in Questions)
        {
            Assert.Contains($"\n## {q}\n", output.DataMarkdown);
            Assert.Contains($"<h2 id=\"{q.ToLowerInvariant()}\">", output.DataHtml);
        }
        Assert.Contains("(report-quick.md)", output.DataMarkdown);
        Assert.Contains("href=\"report-quick-data.html#d\"", output.Html);
    }

    [Fact]
    public void A_scenarios_own_records_make_no_migration_row_in_the_per_migration_tables()
    {
        var records = RecordFile.Read(DefaultFixture(ReportMigration.Experiment));
        Assert.Contains(records, r => r.Label("kind") == "scenario" && r.Label("migration") is null);

        var model = MigrationSummary.From(ReportMigration.Experiment, "default", records);

        Assert.DoesNotContain(model.Migrations, m => m.Index == 0 || m.Outcome == "");
        Assert.Equal(records.Where(r => r.Label("kind") == "migration").Select(r => (r.Label("scenario"), r.Label("migration"))).Distinct().Count(), model.Migrations.Count);
    }

    private static Record Relabel(Record r, string label, string value) =>
        r.Label(label) is null ? r : r with { Labels = new SortedDictionary<string, string>(r.Labels) { [label] = value } };
}
