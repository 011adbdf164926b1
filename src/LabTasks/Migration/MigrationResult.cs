namespace VirtLab.Migration;

/// <summary>
/// Everything one migration produced. Times from QEMU's final query-migrate (completed only);
/// <see cref="Samples"/> and <see cref="Events"/> are the timeline, in seconds after
/// <see cref="StartedAt"/> (the moment the migrate command was sent). The last query-migrate
/// replies are kept verbatim as raw evidence.
/// </summary>
public sealed record MigrationResult(
    string Source,
    string Destination,
    string Outcome,
    string? FailureReason,
    MigrationParameters Parameters,
    DateTimeOffset StartedAt,
    double EndedAfterSeconds,
    double? TotalTimeMs,
    double? DowntimeMs,
    double? SetupTimeMs,
    long? TransferredBytes,
    long? DirtySyncCount,
    double? PostcopyStartedAt,
    double? FaultInjectedAt,
    IReadOnlyList<MigrationSample> Samples,
    IReadOnlyList<MigrationEvent> Events,
    string FinalReplyJson = "",
    string LastActiveReplyJson = "")
{
    public bool Completed => Outcome == MigrationOutcome.Completed;

    /// <summary>The guest that runs after the migration: the destination when it completed, else the source.</summary>
    public string CurrentGuest => Completed ? Destination : Source;

    public int? MaxCpuThrottle => Samples.Select(s => s.CpuThrottlePercentage).Max();

    /// <summary>When the source paused for the switch-over (its STOP event), if it did.</summary>
    public double? SourceStoppedAt => Events.FirstOrDefault(e => e.Side == "source" && e.Name == "STOP")?.T;

    /// <summary>When the destination started running the guest (its RESUME event), if it did.</summary>
    public double? DestinationResumedAt => Events.FirstOrDefault(e => e.Side == "destination" && e.Name == "RESUME")?.T;
}
