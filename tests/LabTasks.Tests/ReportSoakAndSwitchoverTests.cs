using VirtLab.Report;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>
/// D's two long-run paragraphs: the soak's integrity rate per guest variant and QEMU build, and where
/// the switch-over pauses went, each rendered only when its experiment (soak.proj, switchover.proj,
/// built when named) has records.
/// </summary>
public sealed class ReportSoakAndSwitchoverTests
{
    private static Record R(string metric, double? value, string unit, params (string Key, string Value)[] labels)
    {
        var l = new SortedDictionary<string, string>();
        foreach (var (k, v) in labels) l[k] = v;
        return new Record(metric, value, unit, l, DateTimeOffset.UnixEpoch);
    }

    private static IEnumerable<Record> Soak() =>
    [
        R("integrity_failures", 3, "count", ("kind", "integrity"), ("scenario", "soak-pti"), ("workload", "dirty-memory+iperf"), ("migrations", "72"),
            ("qemu_build", "distro"), ("qemu_version", "7.2.22"), ("guest_kernel_args", "pti=on"), ("tcg_threads", "multi"), ("cpu_model", "max")),
        R("integrity_failures", 0, "count", ("kind", "integrity"), ("scenario", "soak-pti"), ("workload", "dirty-memory+iperf"), ("migrations", "72"),
            ("qemu_build", "debian-backports"), ("qemu_version", "10.0.2"), ("guest_kernel_args", "pti=on"), ("tcg_threads", "multi"), ("cpu_model", "max")),
    ];

    /// <summary>Two pause-cpu migrations on 7.2: one of 640 ms spent stopping the vCPUs, one of 40 ms.</summary>
    private static IEnumerable<Record> Switchover()
    {
        IEnumerable<Record> Migration(int index, double downtime, double stop, double send)
        {
            (string, string)[] L(params (string, string)[] more) =>
            [
                ("kind", "migration"), ("scenario", "pause-cpu"), ("workload", "sysbench-cpu"), ("migration", index.ToString()), ("outcome", "completed"),
                ("downtime_limit_ms", "300"), ("qemu_build", "distro"), ("qemu_version", "7.2.22"), .. more,
            ];
            yield return R("migration_downtime", downtime, "ms", L());
            yield return R("switchover_step", stop, "ms", L(("step", "wait-for-lock+stop-vcpus"), ("order", "1"), ("t", "3.000")));
            yield return R("switchover_step", send, "ms", L(("step", "send-ram+send-devices+source-finish"), ("order", "2"), ("t", "3.600")));
            yield return R("switchover_pending", 2.5, "MiB", L());
        }
        return Migration(1, 640, 600, 30).Concat(Migration(2, 40, 2, 35));
    }

    private static ReportOutput Generate(ReportWorkspace ws, bool withLongRuns)
    {
        ws.Place(ReportSysbench.Experiment, ReportWorkspace.SysbenchFixture);
        ws.Place(ReportIperf.Experiment, ReportWorkspace.IperfFixture, ReportWorkspace.LatencyFixture);
        ws.Place(ReportMigration.Experiment, ReportWorkspace.MigrationFixture);
        var options = ws.Options(hostSetup: ReportWorkspace.HostSetupFixture);
        if (!withLongRuns) return ReportGenerator.Generate(options);
        return ReportGenerator.Generate(options with
        {
            RecordFiles =
            [
                .. options.RecordFiles,
                new(ReportGenerator.SoakExperiment, ws.Write(ReportGenerator.SoakExperiment, Soak())),
                new(ReportGenerator.SwitchoverExperiment, ws.Write(ReportGenerator.SwitchoverExperiment, Switchover())),
            ],
        });
    }

    [Fact]
    public void D_shows_each_soak_variant_with_its_failures_and_interval_and_where_the_pauses_went()
    {
        using var ws = new ReportWorkspace();
        var d = ReportWorkspace.Section(Generate(ws, withLongRuns: true).Markdown, "D");

        Assert.Contains("**Integrity over many migrations**", d);
        Assert.Contains("| soak-pti-distro | 7.2.22 | pti=on | multi | max | 3 / 72 | 4.2 % |", d);
        Assert.Contains("| soak-pti-debian-backports | 10.0.2 | pti=on | multi | max | 0 / 72 | 0 % |", d);

        Assert.Contains("**Where the pause goes**", d);
        // Two migrations, one over the 300 ms limit; medians per step; the longest one's largest step first.
        Assert.Contains("| pause-cpu | sysbench-cpu | 7.2.22 | 2 | 1 | 340 (640) ms | 334 ms | wait-for-lock+stop-vcpus 301 · send-ram+send-devices+source-finish 32.5 |", d);
        Assert.Contains("wait-for-lock+stop-vcpus 600 ms, send-ram+send-devices+source-finish 30 ms of 630 ms from the decision to stop until the guest ran again, with 2.5 MiB of RAM left to send", d);
    }

    [Fact]
    public void Without_soak_or_switchover_records_D_says_nothing_of_them()
    {
        using var ws = new ReportWorkspace();
        var d = ReportWorkspace.Section(Generate(ws, withLongRuns: false).Markdown, "D");
        Assert.DoesNotContain("Integrity over many migrations", d);
        Assert.DoesNotContain("Where the pause goes", d);
    }
}
