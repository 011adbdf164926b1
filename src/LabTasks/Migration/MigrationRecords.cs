using System.Globalization;
using VirtLab.Records;

namespace VirtLab.Migration;

/// <summary>
/// Turns migration runs into records (one per sample, PerfKit's shape). labels.kind says what a
/// record is: "migration" (one figure of a migration: times, downtime, network evidence,
/// integrity), "workload" (a workload's disruption relative to its baseline), "series" (one point
/// of a time series; labels.series names it and labels.t is seconds on the migration timeline,
/// or since the start of a baseline run), "event" (a QMP event or announce frame; value = t).
/// </summary>
public static class MigrationRecords
{
    public const string KindMigration = "migration";
    public const string KindWorkload = "workload";
    public const string KindSeries = "series";
    public const string KindEvent = "event";

    /// <summary>
    /// The records that are one figure each (kind migration or workload), not points of a series
    /// or events: what a table over all records of the experiment should show.
    /// </summary>
    public static bool IsFigure(Record r) => r.Label("kind") is KindMigration or KindWorkload;

    public static List<Record> From(MigrationRun run, MigrationSettings settings, IReadOnlyDictionary<string, string> baseLabels)
    {
        var m = run.Migration;
        var labels = new SortedDictionary<string, string>(baseLabels.ToDictionary())
        {
            ["scenario"] = run.Scenario,
            ["workload"] = run.Workload,
            ["migration"] = I(run.Index),
            ["outcome"] = m.Outcome,
            ["integrity"] = run.Integrity.Label,
            ["settings"] = settings.Describe(),
            ["downtime_limit_ms"] = I(m.Parameters.DowntimeLimitMs),
            ["max_bandwidth_mib"] = I(m.Parameters.MaxBandwidthBytes >> 20),
        };
        settings.AddFeatureLabels(labels);
        if (settings.Xbzrle) labels["xbzrle_cache_mib"] = I(m.Parameters.XbzrleCacheBytes >> 20);
        if (settings.Multifd) labels["multifd_channels"] = I(m.Parameters.MultifdChannels);
        labels["guest_boot"] = I(run.GuestBoot);
        labels["guest_outcome"] = m.GuestOutcome;
        labels["source_statuses"] = m.SourceStatuses;
        if (m.DestinationStatuses.Length > 0) labels["destination_statuses"] = m.DestinationStatuses;
        if (m.Fault is { } fault) labels["fault"] = fault;
        if (m.FailureReason is { } reason) labels["reason"] = reason;
        if (MigrationTimeOrder.Violation(m) is not null) labels["time_order"] = "violated";

        var records = new List<Record>();
        void Add(string kind, string metric, double? value, string unit, DateTimeOffset time, params (string Key, string Value)[] extra)
        {
            if (kind == KindSeries && value is null) return;
            var l = new SortedDictionary<string, string>(labels) { ["kind"] = kind };
            foreach (var (k, v) in extra) l[k] = v;
            records.Add(new Record(metric, value is { } x && double.IsFinite(x) ? Math.Round(x, 6) : null, unit, l, time));
        }

        var end = m.StartedAt.AddSeconds(m.EndedAfterSeconds);
        void Fig(string metric, double? value, string unit) { if (value is not null) Add(KindMigration, metric, value, unit, end); }
        Fig("migration_elapsed", m.EndedAfterSeconds, "s");
        Fig("migration_total_time", m.TotalTimeMs, "ms");
        Fig("migration_downtime", m.DowntimeMs, "ms");
        Fig("migration_setup_time", m.SetupTimeMs, "ms");
        Fig("migration_ram_transferred", Mib(m.TransferredBytes ?? m.Samples.LastOrDefault(s => s.Transferred is not null)?.Transferred), "MiB");
        Fig("migration_dirty_sync_count", m.DirtySyncCount ?? m.Samples.LastOrDefault(s => s.DirtySyncCount is not null)?.DirtySyncCount, "count");
        Fig("migration_cpu_throttle_max", m.MaxCpuThrottle, "%");
        Fig("migration_postcopy_started_at", m.PostcopyStartedAt, "s");
        Fig("migration_fault_injected_at", m.FaultInjectedAt, "s");
        Fig("migration_paused_at", m.PausedAt, "s");
        Fig("migration_recovered_at", m.RecoveredAt, "s");
        Fig("migration_source_stopped_at", m.SourceStoppedAt, "s");
        Fig("migration_destination_resumed_at", m.DestinationResumedAt, "s");
        // labels.t: where the silence began, so a report can draw it even when it is shorter than a ping_gap event.
        if (run.NetworkSilence is { } silence)
            Add(KindMigration, "network_downtime", silence.Milliseconds, "ms", end, ("t", T(silence.StartT)));
        Fig("ping_max_gap", run.Ping.MaxGapMs, "ms");
        Fig("ping_sent", run.Ping.Sent, "count");
        Fig("ping_lost", run.Ping.Lost, "count");
        Fig("announce_rarp_frames", run.RarpFrames, "count");
        Fig("announce_garp_frames", run.GratuitousArps, "count");
        Add(KindMigration, "fdb_moved", Bool(run.FdbMoved), "bool", end, ("fdb_before", run.FdbPortBefore ?? "none"), ("fdb_after", run.FdbPortAfter ?? "none"));
        Fig("ssh_session_kept", Bool(run.SshKept), "bool");
        if (run.StreamKept is { } kept) Fig("stream_kept", Bool(kept), "bool");
        if (!run.Integrity.GuestLost) Fig("integrity_ok", Bool(run.Integrity.Passed), "bool");
        if (run.Switchover is { } sw) SwitchoverFigures(sw, Add, end);

        WorkloadFigures(run, Add, end);
        foreach (var s in m.Samples) MigrationSeries(s, m.StartedAt, Add);
        foreach (var e in m.Events)
            Add(KindEvent, "qmp_event", e.T, "s", m.StartedAt.AddSeconds(e.T), ("event", e.Name), ("side", e.Side), ("detail", e.Detail));
        foreach (var f in run.Frames.Where(f => string.Equals(f.SourceMac, run.Mac, StringComparison.OrdinalIgnoreCase)))
            Add(KindEvent, "announce_frame", f.T, "s", m.StartedAt.AddSeconds(f.T), ("event", f.Gratuitous ? "garp" : f.Kind));
        foreach (var g in run.Ping.Gaps)
            Add(KindEvent, "ping_gap", g.Milliseconds, "ms", m.StartedAt.AddSeconds(g.StartT), ("t", T(g.StartT)), ("missing", I(g.MissingReplies)));
        return records;
    }

    /// <summary>
    /// Where the switch-over's pause went (<see cref="SwitchoverBreakdown"/>): switchover_step per step
    /// (labels.step its name, labels.order its place, labels.t when it began), their sum, the RAM QEMU
    /// had left when it decided to stop and what it expected to send within the downtime limit (7.2
    /// traces it), and the slowest device state to save and to load (10.x traces them).
    /// </summary>
    private static void SwitchoverFigures(SwitchoverBreakdown sw, Action<string, string, double?, string, DateTimeOffset, (string, string)[]> add, DateTimeOffset end)
    {
        for (var i = 0; i < sw.Steps.Count; i++)
            add(KindMigration, "switchover_step", sw.Steps[i].Milliseconds, "ms", end, [("step", sw.Steps[i].Name), ("order", I(i + 1)), ("t", T(sw.Steps[i].StartT))]);
        add(KindMigration, "switchover_total", sw.TotalMilliseconds, "ms", end, [("t", T(sw.DecidedAtT))]);
        if (sw.PendingBytes is { } pending) add(KindMigration, "switchover_pending", Mib(pending), "MiB", end, []);
        if (sw.ThresholdBytes is { } threshold) add(KindMigration, "switchover_threshold", Mib(threshold), "MiB", end, []);
        if (sw.SlowestSave is { } save) add(KindMigration, "switchover_slowest_device_save", save.Milliseconds, "ms", end, [("device", save.Device)]);
        if (sw.SlowestLoad is { } load) add(KindMigration, "switchover_slowest_device_load", load.Milliseconds, "ms", end, [("device", load.Device)]);
    }

    /// <summary>One migration's switch-over steps as <see cref="SwitchoverFigures"/> wrote them, in their order (none when the trace was not read).</summary>
    public static List<SwitchoverStep> SwitchoverSteps(IEnumerable<Record> migration) =>
        migration.Where(r => r.Metric == "switchover_step" && r.Label("kind") == KindMigration && r.Value is not null)
            .OrderBy(r => int.TryParse(r.Label("order"), NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0)
            .Select(r => new SwitchoverStep(r.Label("step") ?? "step",
                double.TryParse(r.Label("t"), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : 0, r.Value!.Value))
            .ToList();

    /// <summary>The metric and unit of a scenario's unavailable records unless its cell names its own (HeadlineMetric, HeadlineUnit).</summary>
    public const string HeadlineMetric = "migration_downtime";
    public const string HeadlineUnit = "ms";

    /// <summary>
    /// The records of a scenario that the QEMU build cannot run (a feature it does not offer or
    /// refused): one per workload, on the scenario's headline metric with value null, labels.status
    /// "unavailable", labels.reason (the feature, the QEMU version, what to do), labels.unavailable_features
    /// (the features, comma-separated) and the scenario's feature labels; kind "scenario", since no
    /// migration ran.
    /// </summary>
    public static List<Record> Unavailable(ScenarioPlan plan, MigrationUnavailable unavailable, IReadOnlyDictionary<string, string> baseLabels,
        string metric = HeadlineMetric, string unit = HeadlineUnit)
    {
        var time = DateTimeOffset.UtcNow;
        return plan.Workloads.Select(workload =>
        {
            var labels = new SortedDictionary<string, string>(baseLabels.ToDictionary())
            {
                ["kind"] = "scenario",
                ["scenario"] = plan.Scenario,
                ["workload"] = workload,
                ["settings"] = plan.Settings.Describe(),
                ["status"] = Record.StatusUnavailable,
                ["reason"] = unavailable.Reason,
                ["unavailable_features"] = string.Join(',', unavailable.Features),
                ["qemu_version"] = unavailable.QemuVersion,
            };
            plan.Settings.AddFeatureLabels(labels);
            if (plan.Fault is { } fault) labels["fault"] = fault.Kind;
            return new Record(metric, null, unit, labels, time);
        }).ToList();
    }

    /// <summary>
    /// Per workload of a scenario: how many of its migrations left a guest that failed its
    /// integrity check (value k, labels.migrations n; migrations whose guest a fault took are no
    /// trial). Every planned migration counts, also those on a guest booted afresh after a
    /// corrupted one (AfterIntegrityFailure=reboot): labels.guest_boots says how many guests it took.
    /// </summary>
    public static IEnumerable<Record> IntegrityFailures(IReadOnlyList<MigrationRun> runs, IReadOnlyDictionary<string, string> baseLabels, string scenario) =>
        runs.Where(r => !r.Integrity.GuestLost).GroupBy(r => r.Workload).Select(g => new Record("integrity_failures", g.Count(r => r.Integrity.Failed), "count",
            new SortedDictionary<string, string>(baseLabels.ToDictionary())
            {
                ["kind"] = "scenario", ["scenario"] = scenario, ["workload"] = g.Key,
                ["migrations"] = I(g.Count()),
                ["guest_boots"] = I(g.Select(r => r.GuestBoot).Distinct().Count()),
                ["integrity"] = g.Any(r => r.Integrity.Failed) ? "failed" : "verified",
            }, DateTimeOffset.UtcNow));

    private static void WorkloadFigures(MigrationRun run, Action<string, string, double?, string, DateTimeOffset, (string, string)[]> add, DateTimeOffset end)
    {
        var during = run.During;
        if (during.Metric.Length == 0) return;
        var unit = during.Unit;
        add(KindWorkload, "workload_rate", during.Median, unit, end, [("phase", "migration"), ("workload_metric", during.Metric)]);
        if (run.Baseline is { } b)
        {
            add(KindWorkload, "workload_rate", b.Median, unit, end, [("phase", "baseline"), ("workload_metric", b.Metric)]);
            if (b.Median is > 0 && during.Median is { } dm && during.Points.Count == 0)
                add(KindWorkload, "during_over_baseline", dm / b.Median, "ratio", end, []);
            var origin = b.Points.Count > 0 ? b.Points[0].Time.AddSeconds(-b.IntervalSeconds) : end;
            foreach (var p in b.Points)
                add(KindSeries, during.Metric, p.Value, unit, p.Time, [("series", "workload"), ("phase", "baseline"), ("t", T((p.Time - origin).TotalSeconds))]);
            foreach (var p in b.LatencyMaxMs)
                add(KindSeries, "latency_max", p.Value, "ms", p.Time, [("series", "workload"), ("phase", "baseline"), ("t", T((p.Time - origin).TotalSeconds))]);
            if (b.LatencyMaxMs.Count > 0)
                add(KindWorkload, "workload_latency_max", b.LatencyMaxMs.Max(p => p.Value), "ms", end, [("phase", "baseline")]);
        }
        // A combined workload (dirty-memory+iperf): each other load's own rate, beside the run's (the stream's, already its workload_rate).
        foreach (var part in during.PartRuns.Where(p => p.Metric.Length > 0 && p.Metric != during.Metric && p.Median is not null))
            add(KindWorkload, "workload_part_rate", part.Median, part.Unit, end, [("phase", "migration"), ("part", part.Workload), ("workload_metric", part.Metric)]);
        foreach (var part in run.Baseline?.PartRuns.Where(p => p.Metric.Length > 0 && p.Metric != run.Baseline.Metric && p.Median is not null) ?? [])
            add(KindWorkload, "workload_part_rate", part.Median, part.Unit, end, [("phase", "baseline"), ("part", part.Workload), ("workload_metric", part.Metric)]);
        foreach (var (t, value) in run.Timeline(during))
            add(KindSeries, during.Metric, value, unit, run.Migration.StartedAt.AddSeconds(t), [("series", "workload"), ("phase", "migration"), ("t", T(t))]);
        foreach (var p in during.LatencyMaxMs)
        {
            var t = (p.Time - run.Migration.StartedAt).TotalSeconds;
            add(KindSeries, "latency_max", p.Value, "ms", p.Time, [("series", "workload"), ("phase", "migration"), ("t", T(t))]);
        }
        if (during.LatencyMaxMs.Count > 0)
            add(KindWorkload, "workload_latency_max", during.LatencyMaxMs.Max(p => p.Value), "ms", end, [("phase", "migration")]);
        if (run.Disruption is { } d)
        {
            add(KindWorkload, "seconds_below_90pct", d.SecondsBelow90, "s", end, []);
            add(KindWorkload, "seconds_below_50pct", d.SecondsBelow50, "s", end, []);
            add(KindWorkload, "seconds_at_zero", d.SecondsAtZero, "s", end, []);
            add(KindWorkload, "total_loss", d.TotalLossSeconds, "s", end, []);
            add(KindWorkload, "during_over_baseline", d.DuringOverBaseline, "ratio", end, []);
            add(KindWorkload, "after_over_baseline", d.AfterOverBaseline, "ratio", end, []);
        }
    }

    private static void MigrationSeries(MigrationSample s, DateTimeOffset origin, Action<string, string, double?, string, DateTimeOffset, (string, string)[]> add)
    {
        var time = origin.AddSeconds(s.T);
        (string, string)[] extra = [("series", "migration"), ("t", T(s.T)), ("status", s.Status)];
        add(KindSeries, "ram_transferred", Mib(s.Transferred), "MiB", time, extra);
        add(KindSeries, "ram_remaining", Mib(s.Remaining), "MiB", time, extra);
        if (s.DirtyPagesRate is { } rate) add(KindSeries, "dirty_pages_rate", rate, "pages/s", time, extra);
        if (s.DirtySyncCount is { } sync) add(KindSeries, "dirty_sync_count", sync, "count", time, extra);
        if (s.Mbps is { } mbps) add(KindSeries, "ram_mbps", mbps, "Mbit/s", time, extra);
        add(KindSeries, "cpu_throttle", s.CpuThrottlePercentage ?? 0, "%", time, extra);
    }

    private static double? Mib(long? bytes) => bytes is { } b ? b / 1048576.0 : null;
    private static double Bool(bool b) => b ? 1 : 0;
    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
    public static string T(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
}
