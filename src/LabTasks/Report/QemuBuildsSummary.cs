using System.Globalization;
using VirtLab.Compare;
using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>
/// QEMU builds side by side (experiments/qemu-builds.proj, the report's "QEMU builds compared"):
/// the same cells measured on each build, each later build compared with the first as benchstat
/// compares two runs (<see cref="ResultsComparison"/>: Harrell–Davis medians, Hodges–Lehmann ratio,
/// Mann–Whitney p), limited to the figures each question is judged by; integrity k of n per build
/// and scenario; and what a build could not run (a capability it lacks, KVM).
/// </summary>
public sealed record QemuBuildsSummary(string Experiment, string Profile, DateTime Generated, IReadOnlyList<QemuBuildInfo> Builds,
    IReadOnlyList<QemuBuildComparison> Comparisons, IReadOnlyList<QemuBuildIntegrity> Integrity, IReadOnlyList<QemuBuildUnavailable> Unavailable)
{
    /// <summary>The figures a build comparison is about: sysbench's rates, TCP throughput, and what a migration costs.</summary>
    public static readonly string[] HeadlineMetrics =
    [
        "events_per_second", "transfer_rate", "throughput", "tcp_rr_latency_p50",
        "migration_downtime", "migration_total_time", "network_downtime", "migration_ram_transferred",
    ];

    public bool Measured => Builds.Count > 0;

    public static QemuBuildsSummary From(string experiment, string profile, IReadOnlyList<Record> records)
    {
        var byBuild = records.Where(r => r.Label("qemu_build") is { Length: > 0 })
            .GroupBy(r => r.Label("qemu_build")!)
            .OrderBy(g => g.Key == Qemu.QemuBinary.DistroBuild ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var builds = byBuild.Select(g => new QemuBuildInfo(g.Key,
            g.Select(r => r.Label("qemu_version")).FirstOrDefault(v => v is { Length: > 0 }) ?? "unknown",
            g.Count(r => !r.IsUnavailable && r.Value is not null))).ToList();

        var comparisons = new List<QemuBuildComparison>();
        if (byBuild.Count >= 2)
        {
            var baseline = Headline(byBuild[0]);
            foreach (var candidate in byBuild.Skip(1))
                comparisons.Add(new QemuBuildComparison(builds[0], builds.First(b => b.Name == candidate.Key),
                    ResultsComparison.Of(byBuild[0].Key, baseline, candidate.Key, Headline(candidate))));
        }

        var integrity = records.Where(r => r.Metric == "integrity_failures" && r.Value is not null && r.Label("qemu_build") is not null)
            .GroupBy(r => (Build: r.Label("qemu_build")!, Scenario: r.Label("scenario") ?? "?"))
            .Select(g => new QemuBuildIntegrity(g.Key.Build, g.Key.Scenario, (int)g.Sum(r => r.Value!.Value),
                g.Sum(r => int.TryParse(r.Label("migrations"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)))
            .OrderBy(i => i.Scenario, StringComparer.Ordinal).ThenBy(i => builds.FindIndex(b => b.Name == i.Build))
            .ToList();

        var unavailable = records.Where(r => r.IsUnavailable)
            .Select(r => new QemuBuildUnavailable(r.Label("qemu_build") ?? "?", Cell(r), r.Label("reason") ?? "no reason recorded"))
            .Distinct().ToList();
        return new QemuBuildsSummary(experiment, profile, DateTime.UtcNow, builds, comparisons, integrity, unavailable);
    }

    private static IEnumerable<Record> Headline(IEnumerable<Record> records) =>
        records.Where(r => HeadlineMetrics.Contains(r.Metric) && r.Label("integrity") != "failed");

    private static string Cell(Record r) =>
        string.Join(' ', new[] { r.Label("accel"), r.Label("workload"), r.Label("nic"), r.Label("direction"), r.Label("scenario") }.Where(v => v is { Length: > 0 }));
}

public sealed record QemuBuildInfo(string Name, string Version, int Figures);

public sealed record QemuBuildComparison(QemuBuildInfo Baseline, QemuBuildInfo Candidate, ResultsComparison Comparison)
{
    public IReadOnlyList<ComparisonRow> Rows => Comparison.Rows;
}

/// <summary>How many of a scenario's migrations on one build left a guest that failed its integrity check.</summary>
public sealed record QemuBuildIntegrity(string Build, string Scenario, int Failures, int Migrations)
{
    public string IntervalText => Migrations == 0 ? "—" : Stats.Proportion.Of(Failures, Migrations).IntervalText ?? "—";
}

public sealed record QemuBuildUnavailable(string Build, string Cell, string Reason);
