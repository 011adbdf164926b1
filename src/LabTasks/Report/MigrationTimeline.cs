using System.Globalization;
using VirtLab.Migration;
using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>
/// One migration on its own time axis (seconds after the migrate command): when the source paused
/// and the destination resumed, the workload's series beside its baseline, the RAM still to send,
/// the ping gaps and the announce frames. What D's time-series and convergence charts and F's
/// switch-over table and timeline draw.
/// </summary>
public sealed record MigrationTimeline(
    string Scenario,
    int Index,
    string Workload,
    string Settings,
    string Outcome,
    double? ElapsedSeconds,
    double? TotalTimeMs,
    double? SourceStoppedAt,
    double? DestinationResumedAt,
    double? PostcopyStartedAt,
    double? FaultInjectedAt,
    double? QemuDowntimeMs,
    double? NetworkDowntimeMs,
    double? NetworkSilenceStartT,
    double? PingMaxGapMs,
    double? PingIntervalMs,
    string? WorkloadMetric,
    string? WorkloadUnit,
    double? BaselineRate,
    IReadOnlyList<TimedValue> WorkloadSeries,
    IReadOnlyList<PingGapSpan> PingGaps,
    IReadOnlyList<AnnounceFrame> Announces,
    IReadOnlyList<TimedValue> RamRemaining,
    double? MaxCpuThrottle,
    double? DowntimeLimitMs = null,
    double? MaxBandwidthMib = null,
    double? RamTransferredMib = null,
    string? Fault = null,
    bool? FdbMoved = null,
    bool? StreamKept = null,
    string? Capabilities = null,
    string? Integrity = null,
    IReadOnlyList<SwitchoverStep>? SwitchoverSteps = null,
    double? SwitchoverPendingMib = null)
{
    /// <summary>Where the switch-over's time went, largest steps first (<see cref="SwitchoverStep.Summary"/>); null when the trace was not read.</summary>
    public string? SwitchoverText => SwitchoverStep.Summary(SwitchoverSteps, SwitchoverPendingMib);

    /// <summary>The guest passed its integrity check (or was not checked): the migration's figures are valid measurements.</summary>
    public bool Valid => Integrity != "failed";

    /// <summary>A migration at or above this share of max-bandwidth ran at the cap's pace, not its own.</summary>
    public const double CapHeldShare = 0.9;

    public bool Completed => Outcome == "completed" && SourceStoppedAt is not null && DestinationResumedAt is not null;

    /// <summary>Where the migration window ends: QEMU's total time when it finished, the runner's elapsed time when it did not.</summary>
    public double? WindowEnd => Completed && TotalTimeMs is { } total ? total / 1000 : ElapsedSeconds;

    public string Name => Index == 1 ? Scenario : $"{Scenario} #{Index}";

    /// <summary>How long the guest ran nowhere: the source's STOP to the destination's RESUME, in ms.</summary>
    public double? PausedMs => Completed ? (DestinationResumedAt!.Value - SourceStoppedAt!.Value) * 1000 : null;

    /// <summary>
    /// The silence that spans the pause's middle: what a peer heard of the switch-over. The ping_gap
    /// event when there is one (it counts the missing replies), else the network_downtime figure's own
    /// span (records since it carries labels.t; a silence under three intervals has no event).
    /// </summary>
    public PingGapSpan? SilenceAcrossPause
    {
        get
        {
            if (!Completed) return null;
            var middle = (SourceStoppedAt!.Value + DestinationResumedAt!.Value) / 2;
            return PingGaps.FirstOrDefault(g => g.StartT <= middle && g.EndT >= middle)
                ?? (NetworkSilenceStartT is { } start && NetworkDowntimeMs is { } ms ? new PingGapSpan(start, ms, null) : null);
        }
    }

    /// <summary>How long before the pause that silence began (a guest already answering late, e.g. throttled), in ms.</summary>
    public double? SilenceLeadMs => SilenceAcrossPause is { } gap ? Math.Max(0, (SourceStoppedAt!.Value - gap.StartT) * 1000) : null;

    /// <summary>The silence began well before the pause: more than three ping intervals (the gap threshold).</summary>
    public bool SilenceBeganBeforePause => SilenceLeadMs > 3 * (PingIntervalMs ?? 20);

    /// <summary>The first announce frame (RARP or gratuitous ARP) after the destination resumed, in ms after the resume.</summary>
    public double? FirstAnnounceAfterResumeMs => Completed && Announces.FirstOrDefault(a => a.T >= DestinationResumedAt!.Value) is { } first
        ? (first.T - DestinationResumedAt!.Value) * 1000
        : null;

    /// <summary>RAM sent per second of the migration (QEMU's total time when it finished and QEMU measured it, otherwise the runner's elapsed time), MiB/s.</summary>
    public double? AverageRateMibPerSecond =>
        RamTransferredMib is { } sent && ((Completed ? TotalTimeMs / 1000 : null) ?? ElapsedSeconds) is { } seconds && seconds > 0
            ? sent / seconds : null;

    /// <summary>The migration moved RAM at ≥ 90 % of max-bandwidth: the cap, not the capability under test, set its pace.</summary>
    public bool CapHeld => AverageRateMibPerSecond is { } rate && MaxBandwidthMib is { } cap && cap > 0 && rate >= CapHeldShare * cap;

    /// <summary>QEMU reported a longer pause than downtime-limit allowed.</summary>
    public bool OverDowntimeLimit => Completed && QemuDowntimeMs is { } d && DowntimeLimitMs is { } limit && d > limit;

    /// <summary>
    /// What pre-copy's switch-over waits for, in MiB like ram_remaining: the RAM that can be sent within
    /// downtime-limit at the bandwidth cap (QEMU uses the bandwidth it measured, which the cap bounds).
    /// </summary>
    public double? SwitchOverThresholdMib => MaxBandwidthMib is { } cap && DowntimeLimitMs is { } limit ? cap * limit / 1000 : null;

    public bool Postcopy => PostcopyStartedAt is not null;

    /// <summary>
    /// A post-copy migration whose peers heard nothing for longer than the guest was paused (by more than
    /// three ping intervals): the resumed guest waited on pages still on the source.
    /// </summary>
    public bool PostcopySilenceBeyondPause =>
        Postcopy && PausedMs is { } paused && NetworkDowntimeMs is { } silence && silence > paused + 3 * (PingIntervalMs ?? 20);

    /// <summary>The ping probe's interval, the same for every migration of a run.</summary>
    public static double? PingInterval(IEnumerable<MigrationTimeline> timelines) =>
        timelines.Select(t => t.PingIntervalMs).FirstOrDefault(i => i is not null);

    public static List<MigrationTimeline> From(IReadOnlyList<Record> records) =>
        records.Where(r => r.Label("scenario") is not null && r.Label("migration") is not null)
            .GroupBy(r => (Scenario: r.Label("scenario")!, Index: ParseInt(r.Label("migration"))))
            .Where(g => g.Any(r => r.Label("kind") == MigrationRecords.KindMigration))
            .Select(g => Build(g.Key.Scenario, g.Key.Index, g.ToList()))
            .ToList();

    private static MigrationTimeline Build(string scenario, int index, List<Record> list)
    {
        Record? FigRecord(string metric) => list.FirstOrDefault(r => r.Metric == metric && r.Label("kind") == MigrationRecords.KindMigration);
        double? Fig(string metric) => FigRecord(metric)?.Value;
        var first = list[0];
        var during = list.FirstOrDefault(r => r.Metric == "workload_rate" && r.Label("phase") == "migration");
        var baseline = list.FirstOrDefault(r => r.Metric == "workload_rate" && r.Label("phase") == "baseline");
        var metric = during?.Label("workload_metric");
        var series = metric is null ? [] : Series(list, "workload", metric, "migration");
        var remaining = Series(list, "migration", "ram_remaining");
        var gaps = list.Where(r => r.Metric == "ping_gap" && r.Label("kind") == MigrationRecords.KindEvent && r.Value is not null && r.Label("t") is not null)
            .Select(r => new PingGapSpan(ParseDouble(r.Label("t")!), r.Value!.Value, ParseInt(r.Label("missing"))))
            .OrderBy(g => g.StartT).ToList();
        var announces = list.Where(r => r.Metric == "announce_frame" && r.Label("kind") == MigrationRecords.KindEvent && r.Value is not null)
            .Select(r => new AnnounceFrame(r.Value!.Value, r.Label("event") ?? "frame")).OrderBy(a => a.T).ToList();
        return new MigrationTimeline(scenario, index, first.Label("workload") ?? "", first.Label("settings") ?? "", first.Label("outcome") ?? "",
            Fig("migration_elapsed"), Fig("migration_total_time"), Fig("migration_source_stopped_at"), Fig("migration_destination_resumed_at"),
            Fig("migration_postcopy_started_at"), Fig("migration_fault_injected_at"), Fig("migration_downtime"), Fig("network_downtime"),
            FigRecord("network_downtime")?.Label("t") is { } silenceStart ? ParseDouble(silenceStart) : null,
            Fig("ping_max_gap"), first.Label("ping_interval_ms") is { } interval ? ParseDouble(interval) : null, metric, during?.Unit, baseline?.Value, series, gaps, announces,
            remaining, Fig("migration_cpu_throttle_max"),
            DowntimeLimitMs: LabelNumber(first, "downtime_limit_ms"), MaxBandwidthMib: LabelNumber(first, "max_bandwidth_mib"),
            RamTransferredMib: Fig("migration_ram_transferred"), Fault: first.Label("fault"),
            FdbMoved: Fig("fdb_moved") is { } fdb ? fdb > 0.5 : null, StreamKept: Fig("stream_kept") is { } kept ? kept > 0.5 : null,
            Capabilities: first.Label("capabilities"), Integrity: first.Label("integrity"),
            SwitchoverSteps: MigrationRecords.SwitchoverSteps(list),
            SwitchoverPendingMib: Fig("switchover_pending"));
    }

    /// <summary>The points of one series (labels.series, the metric, and labels.phase when given), in time order.</summary>
    public static List<TimedValue> Series(IEnumerable<Record> records, string series, string metric, string? phase = null) =>
        records.Where(r => r.Label("kind") == MigrationRecords.KindSeries && r.Label("series") == series && r.Metric == metric
                           && (phase is null || r.Label("phase") == phase) && r.Value is not null && r.Label("t") is not null)
            .Select(r => new TimedValue(ParseDouble(r.Label("t")!), r.Value!.Value)).OrderBy(p => p.T).ToList();

    private static double? LabelNumber(Record r, string label) =>
        double.TryParse(r.Label(label), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double ParseDouble(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int ParseInt(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;
}
