using VirtLab.Records;
using VirtLab.Report;

namespace VirtLab.Tests;

/// <summary>How the report shows repeats: every repeat as a dot on its bar, and noisy repeats counted in words.</summary>
public class ReportRepeatsTests
{
    [Fact]
    public void Every_repeat_is_a_dot_and_noisy_repeats_are_counted_in_B_and_C()
    {
        using var ws = new ReportWorkspace();
        var sysbench = RecordFile.Read(ReportWorkspace.SysbenchFixture);
        var tcgCpu = sysbench.First(r => r.Label("accel") == "tcg" && r.Label("workload") == "cpu" && r.Metric == "events_per_second");
        tcgCpu.Labels["noisy"] = "true";
        tcgCpu.Labels["noise"] = "another QEMU ran (pid 4242)";
        ws.Write(ReportSysbench.Experiment, sysbench);
        var iperf = RecordFile.Read(ReportWorkspace.IperfFixture);
        var e1000 = iperf.First(r => r.Label("nic") == "e1000" && r.Metric == "throughput");
        e1000.Labels["noisy"] = "true";
        ws.Write(ReportIperf.Experiment, iperf);

        var output = ReportGenerator.Generate(ws.Options());

        var tcgRepeats = sysbench.Count(r => r.Label("accel") == "tcg" && r.Label("workload") == "cpu" && r.Metric == "events_per_second");
        Assert.Contains($"*tcg*: 1 of {tcgRepeats} repeats ran while the host was busy", ReportWorkspace.Section(output.Markdown, "B"));
        Assert.Contains($"*e1000 {e1000.Label("direction")}*: 1 of", ReportWorkspace.Section(output.Markdown, "C"));
        var cpuChart = output.Charts.Single(c => c.Id == "b-cpu").Svg;
        var measuredRepeats = sysbench.Count(r => r.Label("workload") == "cpu" && r.Metric == "events_per_second" && !r.IsUnavailable);
        Assert.Equal(measuredRepeats, System.Text.RegularExpressions.Regex.Matches(cpuChart, "class=\"point\"").Count);
    }
}

public class ReportMigrationDistributionTests
{
    [Fact]
    public void D_gives_each_scenario_and_workload_its_distribution_and_counts_integrity_failures()
    {
        using var ws = new ReportWorkspace();
        var records = RecordFile.Read(ReportWorkspace.MigrationFixture);
        // A second migration of the homework iperf workload, whose guest failed its integrity check.
        var first = records.Where(r => r.Label("scenario") == "homework" && r.Label("workload") == "iperf" && r.Label("kind") == "migration").ToList();
        var second = first.Select(r => r with { Value = r.Metric == "migration_downtime" ? 99999 : r.Value,
            Labels = new SortedDictionary<string, string>(r.Labels) { ["migration"] = "9", ["integrity"] = "failed" } }).ToList();
        ws.Write(ReportMigration.Experiment, records.Concat(second));
        var downtime = first.Single(r => r.Metric == "migration_downtime").Value!.Value;

        var output = ReportGenerator.Generate(ws.Options());

        // The per-scenario table is in the appendix since issue 13; the overview and D's answer quote its figure.
        var d = ReportWorkspace.DataSection(output.DataMarkdown, "D");
        var row = d.Split('\n').Single(l => l.StartsWith("| homework | iperf | 2 |"));
        Assert.Contains($"{downtime:F0} (n=1)", row);   // the failed migration's 99999 ms is not in the figures
        Assert.Contains("1 of 2 (95 % CI", row);
        Assert.Contains($"QEMU downtime under iperf {downtime:F0} ms (one migration)", output.Markdown[..output.Markdown.IndexOf("\n## A.", StringComparison.Ordinal)]);
        Assert.DoesNotContain("Over the downtime limit", output.Markdown); // nor is it a migration over the limit
        Assert.DoesNotContain("99999", output.Charts.Single(c => c.Id == "d-migration-downtime").Svg);
    }
}
