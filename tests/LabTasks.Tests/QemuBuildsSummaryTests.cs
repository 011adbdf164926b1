using VirtLab.Records;
using VirtLab.Report;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>QEMU builds side by side: the summary model of experiments/qemu-builds.proj and its rendering.</summary>
public sealed class QemuBuildsSummaryTests
{
    private static string Template => Path.Combine(RepoCopy.FindRepoRoot(), "templates", "qemu-builds-summary.md.sbn");

    [Fact]
    public void A_faster_build_is_better_on_sysbench_and_the_first_build_is_the_baseline_whatever_the_record_order()
    {
        var records = new List<Record>();
        records.AddRange(Repeats("debian-backports", "10.0.2", "events_per_second", "events/s", scale: 150));
        records.AddRange(Repeats("distro", "7.2.22", "events_per_second", "events/s", scale: 100));
        records.AddRange(Repeats("distro", "7.2.22", "migration_downtime", "ms", scale: 50, scenario: "homework"));
        records.AddRange(Repeats("debian-backports", "10.0.2", "migration_downtime", "ms", scale: 50, scenario: "homework"));

        var summary = QemuBuildsSummary.From("qemu-builds", "quick", records);

        Assert.Equal(["distro", "debian-backports"], summary.Builds.Select(b => b.Name));
        Assert.Equal(["7.2.22", "10.0.2"], summary.Builds.Select(b => b.Version));
        var comparison = Assert.Single(summary.Comparisons);
        Assert.Equal("distro", comparison.Baseline.Name);
        Assert.Equal("better", comparison.Rows.Single(r => r.Metric == "events_per_second").Verdict);
        Assert.Equal("~", comparison.Rows.Single(r => r.Metric == "migration_downtime").Verdict);
        // The build and its version are what is compared, not part of the condition.
        Assert.All(comparison.Rows, r => Assert.DoesNotContain("qemu", r.Condition));
    }

    [Fact]
    public void Only_headline_figures_and_intact_guests_are_compared_and_integrity_is_counted_per_build()
    {
        var records = new List<Record>();
        foreach (var build in new[] { "distro", "debian-backports" })
        {
            records.AddRange(Repeats(build, "v", "migration_downtime", "ms", 50, scenario: "dirty-postcopy"));
            records.AddRange(Repeats(build, "v", "ping_lost", "count", 3, scenario: "dirty-postcopy"));
            records.Add(Integrity(build, "dirty-postcopy", failures: build == "distro" ? 1 : 0, migrations: 10));
        }
        // A corrupted guest's downtime on one build only: left out, so both builds keep 10 values.
        records.Add(new Record("migration_downtime", 9999, "ms", Labels("distro", "v", "dirty-postcopy", integrity: "failed"), DateTimeOffset.UnixEpoch));

        var summary = QemuBuildsSummary.From("qemu-builds", "default", records);

        var rows = Assert.Single(summary.Comparisons).Rows;
        Assert.Equal("migration_downtime", Assert.Single(rows).Metric);
        Assert.Equal(10, rows[0].Comparison.Baseline.Count);
        Assert.Equal([("dirty-postcopy", "distro", 1, 10), ("dirty-postcopy", "debian-backports", 0, 10)],
            summary.Integrity.Select(i => (i.Scenario, i.Build, i.Failures, i.Migrations)));
    }

    [Fact]
    public void The_summary_renders_builds_comparison_integrity_and_what_a_build_could_not_run()
    {
        var records = new List<Record>();
        records.AddRange(Repeats("distro", "7.2.22", "throughput", "Gbit/s", 2));
        records.AddRange(Repeats("debian-backports", "10.0.2", "throughput", "Gbit/s", 3));
        records.Add(Integrity("debian-backports", "homework", 0, 3));
        var unavailable = Labels("distro", "7.2.22", "dirty-postcopy-preempt");
        unavailable["status"] = Record.StatusUnavailable;
        unavailable["reason"] = "capability postcopy-preempt is not offered by QEMU 7.2.22";
        records.Add(new Record("migration_downtime", null, "ms", unavailable, DateTimeOffset.UnixEpoch));

        var text = TemplateRenderer.Render(Template, QemuBuildsSummary.From("qemu-builds", "quick", records),
            new Dictionary<string, object?> { ["records_file"] = "records.ndjson", ["missing_cells"] = 0 });

        Assert.Contains("| `distro` | 7.2.22 |", text);
        Assert.Contains("| `debian-backports` | 10.0.2 |", text);
        Assert.Contains("## `debian-backports` (10.0.2) against `distro` (7.2.22)", text);
        Assert.Matches(@"\| throughput \(Gbit/s\) \| [^|]+ \| [0-9.]+ \[[^]]+\] \(n=10\) \| [0-9.]+ \[[^]]+\] \(n=10\) \| [0-9.]+ \[[^]]+\] \| [<0-9.]+ \| \+[0-9.]+ % \| better \|", text);
        Assert.Contains("| homework | `debian-backports` | 0 of 3 |", text);
        Assert.Contains("capability postcopy-preempt is not offered by QEMU 7.2.22", text);
        foreach (var table in ReportTableCheck.Tables(text))
            Assert.Empty(ReportTableCheck.Check(table, out _));
    }

    [Fact]
    public void One_build_alone_says_there_is_nothing_to_compare()
    {
        var summary = QemuBuildsSummary.From("qemu-builds", "quick", Repeats("distro", "7.2.22", "throughput", "Gbit/s", 2));
        var text = TemplateRenderer.Render(Template, summary, new Dictionary<string, object?> { ["records_file"] = "records.ndjson", ["missing_cells"] = 0 });

        Assert.Empty(summary.Comparisons);
        Assert.Contains("Only 1 build measured: nothing to compare yet.", text);
    }

    private static SortedDictionary<string, string> Labels(string build, string version, string? scenario = null, string? integrity = null)
    {
        var labels = new SortedDictionary<string, string> { ["experiment"] = "qemu-builds", ["profile"] = "quick", ["accel"] = "tcg", ["qemu_build"] = build, ["qemu_version"] = version };
        if (scenario is not null) { labels["scenario"] = scenario; labels["kind"] = "migration"; }
        if (integrity is not null) labels["integrity"] = integrity;
        return labels;
    }

    private static List<Record> Repeats(string build, string version, string metric, string unit, double scale, string? scenario = null) =>
        StatisticsReferenceTests.Sample(10, seed: 7, scale).Select((v, i) =>
        {
            var labels = Labels(build, version, scenario);
            labels["repeat"] = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new Record(metric, v, unit, labels, DateTimeOffset.UnixEpoch);
        }).ToList();

    private static Record Integrity(string build, string scenario, int failures, int migrations)
    {
        var labels = Labels(build, "v", scenario);
        labels["kind"] = "scenario";
        labels["migrations"] = migrations.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Record("integrity_failures", failures, "count", labels, DateTimeOffset.UnixEpoch);
    }
}
