namespace VirtLab.Report;

public sealed record MigrationSection(
    bool Measured,
    RecordsSource? Source,
    string MeasureCommand,
    IReadOnlyList<MetricRow> Rows,
    IReadOnlyList<MetricRow> NetworkEvidence,
    IReadOnlyList<UnavailableRow> Unavailable,
    IReadOnlyList<MigrationTimeline>? Timelines = null,
    IReadOnlyList<FaultRow>? Faults = null,
    IReadOnlyList<ScenarioDistribution>? Distributions = null,
    // The per-migration tables of the appendix (report-data.md), built from the same records.
    MigrationSummary? Summary = null)
{
    private IReadOnlyList<MigrationTimeline> AllTimelines => Timelines ?? [];

    /// <summary>The migrations without an injected fault: what D, E and F describe.</summary>
    public IReadOnlyList<MigrationTimeline> Plain => AllTimelines.Where(t => string.IsNullOrEmpty(t.Fault)).ToList();

    /// <summary>Each scenario without a fault over its migrations.</summary>
    public IReadOnlyList<ScenarioOutcome> Scenarios => ScenarioOutcome.From(AllTimelines);

    public IReadOnlyList<ScenarioOutcome> CapHeldScenarios => Scenarios.Where(s => s.CapHeld).ToList();

    /// <summary>Completed migrations whose QEMU downtime exceeded their downtime-limit.</summary>
    public IReadOnlyList<MigrationTimeline> OverLimit => Plain.Where(t => t.Valid && t.OverDowntimeLimit).ToList();

    /// <summary>Post-copy migrations whose peers heard nothing for longer than the guest was paused.</summary>
    public IReadOnlyList<MigrationTimeline> PostcopyLongSilences => Plain.Where(t => t.Valid && t.PostcopySilenceBeyondPause).ToList();

    public int CompletedCount => Plain.Count(t => t.Completed);

    /// <summary>Completed migrations after which the guest's MAC sat on the destination's tap.</summary>
    public int FdbMovedCount => Plain.Count(t => t.Completed && t.FdbMoved == true);

    /// <summary>Completed migrations with a first announce frame, and how soon after the resume it came (ms).</summary>
    public IReadOnlyList<double> FirstAnnounceMs => Plain.Select(t => t.FirstAnnounceAfterResumeMs).OfType<double>().ToList();

    public double? FirstAnnounceMaxMs => FirstAnnounceMs.Count == 0 ? null : FirstAnnounceMs.Max();

    /// <summary>Migrations under iperf whose TCP stream survived, of those that record it.</summary>
    public int StreamKeptCount => Plain.Count(t => t.StreamKept == true);
    public int StreamRecordedCount => Plain.Count(t => t.StreamKept is not null);

    /// <summary>The homework scenario's rows (QEMU defaults, the homework's three workloads).</summary>
    public IReadOnlyList<ScenarioDistribution> HomeworkRows => DistributionRows.Where(d => d.Scenario == "homework").ToList();

    /// <summary>The downtime-limit the migrations ran with, when they all share one.</summary>
    public double? DowntimeLimitMs => Plain.Select(t => t.DowntimeLimitMs).OfType<double>().Distinct().ToList() is [var only] ? only : null;

    /// <summary>The max-bandwidth cap the migrations ran with, when they all share one.</summary>
    public double? MaxBandwidthMib => Plain.Select(t => t.MaxBandwidthMib).OfType<double>().Distinct().ToList() is [var only] ? only : null;

    /// <summary>Faults after which the guest was still running somewhere, verified.</summary>
    public int FaultsSurvived => FaultRows.Count(f => !f.GuestLost);
    public IReadOnlyList<FaultRow> FaultsLost => FaultRows.Where(f => f.GuestLost).ToList();
    public FaultRow? PostcopyRecovery => FaultRows.FirstOrDefault(f => f.Fault == Migration.MigrationFault.PostcopyStreamCut);

    /// <summary>The migrations with an injected fault (questions G and H cite them).</summary>
    public IReadOnlyList<FaultRow> FaultRows => Faults ?? [];

    /// <summary>Each scenario and workload over its repeated migrations.</summary>
    public IReadOnlyList<ScenarioDistribution> DistributionRows => Distributions ?? [];

    /// <summary>The most migrations any scenario made per workload.</summary>
    public int MigrationsPerWorkload => DistributionRows.Select(d => d.Migrations).DefaultIfEmpty(0).Max();

    /// <summary>The interval of the ping probe behind the network downtimes (the same for every migration of a run).</summary>
    public double? PingIntervalMs => Timelines is null ? null : MigrationTimeline.PingInterval(Timelines);
}
