namespace VirtLab.Report;

public sealed record MigrationSection(
    bool Measured,
    RecordsSource? Source,
    string MeasureCommand,
    IReadOnlyList<MetricRow> Rows,
    IReadOnlyList<MetricRow> NetworkEvidence,
    IReadOnlyList<UnavailableRow> Unavailable,
    string? SummaryTables = null,
    IReadOnlyList<MigrationTimeline>? Timelines = null,
    IReadOnlyList<FaultRow>? Faults = null,
    IReadOnlyList<ScenarioDistribution>? Distributions = null)
{
    /// <summary>The migrations with an injected fault (questions G and H cite them).</summary>
    public IReadOnlyList<FaultRow> FaultRows => Faults ?? [];

    /// <summary>Each scenario and workload over its repeated migrations.</summary>
    public IReadOnlyList<ScenarioDistribution> DistributionRows => Distributions ?? [];

    /// <summary>The most migrations any scenario made per workload.</summary>
    public int MigrationsPerWorkload => DistributionRows.Select(d => d.Migrations).DefaultIfEmpty(0).Max();

    /// <summary>The interval of the ping probe behind the network downtimes (the same for every migration of a run).</summary>
    public double? PingIntervalMs => Timelines is null ? null : MigrationTimeline.PingInterval(Timelines);
}
