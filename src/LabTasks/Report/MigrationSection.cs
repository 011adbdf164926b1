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
    IReadOnlyList<FaultRow>? Faults = null)
{
    /// <summary>The migrations with an injected fault (questions G and H cite them).</summary>
    public IReadOnlyList<FaultRow> FaultRows => Faults ?? [];

    /// <summary>The interval of the ping probe behind the network downtimes (the same for every migration of a run).</summary>
    public double? PingIntervalMs => Timelines is null ? null : MigrationTimeline.PingInterval(Timelines);
}
