using System.Globalization;
using VirtLab.Migration;
using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>
/// The model behind live-migration's summary.md, built from the records alone: one row per
/// migration (scenario × workload), the network evidence, and each workload's disruption; and per
/// scenario and workload the integrity failure rate, k of n with its Clopper–Pearson interval.
/// A scenario measured on several QEMU builds or accelerators (cells soak-pti-distro,
/// soak-pti-debian-backports) is one row set per cell, named as the cell.
/// </summary>
public sealed record MigrationSummary(string Experiment, string Profile, DateTime Generated,
    IReadOnlyList<MigrationRow> Migrations, IReadOnlyList<EvidenceRow> Evidence, IReadOnlyList<WorkloadRow> Workloads,
    IReadOnlyList<string> IntegrityFailures, IReadOnlyDictionary<string, string> Environment, string PingIntervalMs,
    IReadOnlyList<FaultRow>? Faults = null, IReadOnlyList<IntegrityRateRow>? IntegrityRates = null, IReadOnlyList<SwitchoverRow>? Switchovers = null)
{
    /// <summary>Per scenario (cell) and workload: where the completed pre-copy switch-overs' time went (switchover_step records).</summary>
    public IReadOnlyList<SwitchoverRow> SwitchoverRows => Switchovers ?? [];

    public IReadOnlyList<FaultRow> FaultRows => Faults ?? [];

    /// <summary>Per scenario (cell) and workload: integrity failures k of n (integrity_failures records).</summary>
    public IReadOnlyList<IntegrityRateRow> IntegrityRateRows => IntegrityRates ?? [];

    public bool HasDirtyMemory => Workloads.Any(w => w.Workload.Contains("dirty-memory", StringComparison.Ordinal));

    /// <summary>Migration records carry labels.scenario and labels.kind (see MigrationRecords).</summary>
    public static bool IsMigration(IReadOnlyList<Record> records) =>
        records.Count > 0 && records.All(r => r.Label("scenario") is not null && r.Label("kind") is not null);

    public static MigrationSummary From(string experiment, string profile, IReadOnlyList<Record> records)
    {
        var migrations = new List<MigrationRow>();
        var evidence = new List<EvidenceRow>();
        var workloads = new List<WorkloadRow>();
        var cellOf = CellNames(records);
        // Per-scenario records (labels.kind scenario, such as integrity_failures) carry no migration number: they are no migration's row.
        foreach (var run in records.Where(r => r.Label("migration") is not null)
                     .GroupBy(r => (Scenario: cellOf(r), Index: int.Parse(r.Label("migration")!, CultureInfo.InvariantCulture))))
        {
            var list = run.ToList();
            var first = list[0];
            double? Fig(string metric) => list.FirstOrDefault(r => r.Metric == metric && r.Label("kind") is MigrationRecords.KindMigration or MigrationRecords.KindWorkload && r.Label("phase") is null)?.Value;
            bool? Flag(string metric) => Fig(metric) is { } v ? v > 0.5 : null;
            var outcome = first.Label("outcome") ?? "";
            var workload = first.Label("workload") ?? "";
            migrations.Add(new MigrationRow(run.Key.Scenario, run.Key.Index, workload, first.Label("settings") ?? "", outcome, first.Label("reason"),
                Fig("migration_elapsed"), Fig("migration_total_time"), Fig("migration_downtime"), Fig("migration_setup_time"), Fig("network_downtime"),
                Fig("ping_max_gap"), Fig("ping_lost"), Fig("ping_sent"), Fig("migration_ram_transferred"), Fig("migration_dirty_sync_count"),
                Fig("migration_cpu_throttle_max"), Fig("migration_postcopy_started_at"), Fig("migration_fault_injected_at"), first.Label("integrity") ?? "",
                Sparkline(MigrationTimeline.Series(list, "migration", "ram_remaining")), Sparkline(MigrationTimeline.Series(list, "migration", "cpu_throttle"), 100), first.Label("fault")));
            var fdb = list.FirstOrDefault(r => r.Metric == "fdb_moved");
            evidence.Add(new EvidenceRow(run.Key.Scenario, run.Key.Index, workload, outcome, Flag("fdb_moved"),
                fdb?.Label("fdb_before") ?? "", fdb?.Label("fdb_after") ?? "", Fig("announce_rarp_frames"),
                Fig("announce_garp_frames"), Flag("ssh_session_kept"), Flag("stream_kept")));

            var rates = list.Where(r => r.Metric == "workload_rate").ToList();
            if (rates.Count == 0) continue;
            var during = rates.FirstOrDefault(r => r.Label("phase") == "migration");
            var baseline = rates.FirstOrDefault(r => r.Label("phase") == "baseline");
            var series = MigrationTimeline.Series(list, "workload", during?.Label("workload_metric") ?? "", "migration");
            workloads.Add(new WorkloadRow(run.Key.Scenario, run.Key.Index, workload, during?.Label("workload_metric") ?? "", during?.Unit ?? "", outcome,
                baseline?.Value, during?.Value, Fig("during_over_baseline"), Fig("after_over_baseline"), Fig("seconds_below_90pct"),
                Fig("seconds_below_50pct"), Fig("seconds_at_zero"), Fig("total_loss"),
                list.FirstOrDefault(r => r.Metric == "workload_latency_max" && r.Label("phase") == "baseline")?.Value,
                list.FirstOrDefault(r => r.Metric == "workload_latency_max" && r.Label("phase") == "migration")?.Value, Sparkline(series),
                series.Count > 0 ? T(series[0].T) : "", series.Count > 0 ? T(series[^1].T) : ""));
        }
        var failures = migrations.Where(m => m.Integrity is not ("verified" or "guest-lost"))
            .Select(m => $"{m.Scenario} migration {m.Index} ({m.Workload}): integrity {m.Integrity}").ToList();
        var environment = new SortedDictionary<string, string>();
        foreach (var key in new[] { "host_fingerprint", "qemu_version", "accel", "nic", "guest_kernel", "guest_kernel_args", "guest_memory_mib", "guest_vcpus", "hosts", "observer_host", "clock_uncertainty_ms" })
        {
            var value = records.Select(r => r.Label(key)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
            if (value is not null) environment[key] = value;
        }
        var pingInterval = records.Select(r => r.Label("ping_interval_ms")).FirstOrDefault(v => v is not null) ?? "?";
        return new MigrationSummary(experiment, profile, DateTime.UtcNow, migrations, evidence, workloads, failures, environment, pingInterval, FaultMatrix.From(records),
            IntegrityRateRow.From(records, cellOf), SwitchoverRow.From(records));
    }

    /// <summary>
    /// A record's scenario as its cell is named: the scenario, then -&lt;accel&gt; and -&lt;build&gt;
    /// where the records hold more than one accelerator or QEMU build (as VirtLab.Qemu.targets names
    /// cells), so two builds' migration 1 are two rows, not one.
    /// </summary>
    public static Func<Record, string> CellNames(IReadOnlyList<Record> records)
    {
        var scenarioRecords = records.Where(r => r.Label("scenario") is not null).ToList();
        var byAccel = scenarioRecords.Select(r => r.Label("accel") ?? "").Distinct().Count() > 1;
        var byBuild = scenarioRecords.Select(r => r.Label("qemu_build") ?? "").Distinct().Count() > 1;
        return r => (r.Label("scenario") ?? "?")
                    + (byAccel && r.Label("accel") is { Length: > 0 } accel ? "-" + accel : "")
                    + (byBuild && r.Label("qemu_build") is { Length: > 0 } build ? "-" + build : "");
    }

    private static readonly char[] Blocks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

    /// <summary>A series as a line of block characters, scaled to its maximum (or to <paramref name="max"/>), at most 60 wide.</summary>
    public static string Sparkline(IReadOnlyList<TimedValue> series, double? max = null)
    {
        if (series.Count == 0) return "";
        var step = Math.Max(1, (int)Math.Ceiling(series.Count / 60.0));
        var values = series.Chunk(step).Select(c => c.Average(p => p.Value)).ToList();
        var top = max ?? values.Max();
        if (top <= 0) return new string(Blocks[0], values.Count);
        return new string(values.Select(v => Blocks[Math.Clamp((int)Math.Round(v / top * (Blocks.Length - 1)), 0, Blocks.Length - 1)]).ToArray());
    }

    private static string T(double t) => t.ToString("0.0", CultureInfo.InvariantCulture);
}
