using VirtLab.Report;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>D's and F's "Between two machines": rendered from experiments/two-hosts.proj's records when there are any, and only then.</summary>
public sealed class ReportTwoHostsTests
{
    private static Record R(string metric, double? value, string unit, params (string Key, string Value)[] labels)
    {
        var l = new SortedDictionary<string, string>();
        foreach (var (k, v) in labels) l[k] = v;
        return new Record(metric, value, unit, l, DateTimeOffset.UnixEpoch);
    }

    /// <summary>pc1 → pc2 under iperf, then back under sysbench cpu, watched from pc3; and a LAN cut that left the guest on pc1.</summary>
    private static IEnumerable<Record> TwoHosts()
    {
        IEnumerable<Record> Migration(string scenario, int index, string workload, string from, string to, string outcome, double? downtime, double? silence, double rarp, double fdb, string? fault = null)
        {
            (string, string)[] L() =>
            [
                ("kind", "migration"), ("scenario", scenario), ("workload", workload), ("migration", index.ToString()), ("outcome", outcome), ("integrity", "verified"),
                ("source_host", from), ("destination_host", to), ("observer_host", "pc3"), ("hosts", "pc1,pc2"), ("clock_uncertainty_ms", "0.42"), .. (fault is null ? [] : new[] { ("fault", fault) }),
            ];
            if (downtime is { } d) yield return R("migration_downtime", d, "ms", L());
            if (silence is { } s) yield return R("network_downtime", s, "ms", L());
            yield return R("announce_rarp_frames", rarp, "count", L());
            yield return R("fdb_moved", fdb, "bool", L());
            if (workload == "iperf") yield return R("stream_kept", 1, "bool", L());
        }
        return Migration("hosts-homework", 1, "iperf", "pc1", "pc2", "completed", 142, 180, 5, 1)
            .Concat(Migration("hosts-homework", 2, "sysbench-cpu", "pc2", "pc1", "completed", 135, 170, 5, 1))
            .Concat(Migration("hosts-lan-cut", 1, "idle", "pc1", "pc2", "cancelled", null, null, 0, 0, "stream-cut"));
    }

    private static ReportOutput Generate(ReportWorkspace ws, bool withTwoHosts)
    {
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture, ReportWorkspace.LatencyFixture);
        ws.Place(ReportMigration.Experiment, ReportWorkspace.MigrationFixture);
        var options = ws.Options(hostSetup: ReportWorkspace.HostSetupFixture);
        return ReportGenerator.Generate(!withTwoHosts ? options : options with
        {
            RecordFiles = [.. options.RecordFiles, new(ReportGenerator.TwoHostsExperiment, ws.Write(ReportGenerator.TwoHostsExperiment, TwoHosts()))],
        });
    }

    [Fact]
    public void F_lists_each_migration_between_hosts_with_its_direction_the_observers_evidence_and_the_clock_uncertainty()
    {
        using var ws = new ReportWorkspace();
        var markdown = Generate(ws, withTwoHosts: true).Markdown;
        var f = ReportWorkspace.Section(markdown, "F");
        Assert.Contains("**Between two machines**", f);
        Assert.Contains("| hosts-homework | 1 | iperf | pc1 → pc2 (pc3) | completed | 142 ms | 180 ms | 5 | moved | yes | 0.42 ms | verified |", f);
        Assert.Contains("| hosts-homework | 2 | sysbench-cpu | pc2 → pc1 (pc3) | completed | 135 ms | 170 ms | 5 | moved | — | 0.42 ms | verified |", f);
        Assert.Contains("| hosts-lan-cut | 1 | idle | pc1 → pc2 (pc3) | cancelled (stream-cut) | — | — | 0 | not moved | — | 0.42 ms | verified |", f);
        Assert.Contains("3 migration(s) between hosts over a real LAN", ReportWorkspace.Section(markdown, "D"));
    }

    [Fact]
    public void Without_two_hosts_records_D_and_F_say_nothing_of_them()
    {
        using var ws = new ReportWorkspace();
        var markdown = Generate(ws, withTwoHosts: false).Markdown;
        Assert.DoesNotContain("Between two machines", ReportWorkspace.Section(markdown, "F"));
        Assert.DoesNotContain("between hosts over a real LAN", ReportWorkspace.Section(markdown, "D"));
    }
}
