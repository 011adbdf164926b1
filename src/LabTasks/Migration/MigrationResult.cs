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
    string LastActiveReplyJson = "",
    string? Fault = null,
    bool GuestLost = false,
    double? PausedAt = null,
    double? RecoveredAt = null)
{
    public bool Completed => Outcome == MigrationOutcome.Completed;

    /// <summary>The guest that runs after the migration: the destination when it completed, else the source.</summary>
    public string CurrentGuest => Completed ? Destination : Source;

    /// <summary>Where the guest runs afterwards (<see cref="GuestFate"/>): the destination, the source, or nowhere.</summary>
    public string GuestOutcome => GuestLost ? GuestFate.Lost : Completed ? GuestFate.OnDestination : GuestFate.OnSource;

    /// <summary>The source's migration status as query-migrate reported it, each change once: "setup>active>cancelling>cancelled".</summary>
    public string SourceStatuses => Sequence(Samples.Select(s => s.Status));

    /// <summary>The destination's migration status from its MIGRATION events: "active>postcopy-active>postcopy-paused>…".</summary>
    public string DestinationStatuses => Sequence(Events.Where(e => e.Side == "destination" && e.Name == "MIGRATION").Select(e => e.Detail));

    /// <summary>Consecutive repeats collapsed, joined with '>'.</summary>
    public static string Sequence(IEnumerable<string> statuses)
    {
        var list = new List<string>();
        foreach (var s in statuses)
            if (s.Length > 0 && (list.Count == 0 || list[^1] != s)) list.Add(s);
        return string.Join('>', list);
    }

    public int? MaxCpuThrottle => Samples.Select(s => s.CpuThrottlePercentage).Max();

    /// <summary>When the source paused for the switch-over (its STOP event), if it did.</summary>
    public double? SourceStoppedAt => Events.FirstOrDefault(e => e.Side == "source" && e.Name == "STOP")?.T;

    /// <summary>When the destination started running the guest (its RESUME event), if it did.</summary>
    public double? DestinationResumedAt => Events.FirstOrDefault(e => e.Side == "destination" && e.Name == "RESUME")?.T;
}
