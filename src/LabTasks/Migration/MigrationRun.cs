namespace VirtLab.Migration;

/// <summary>One migration with the workload that ran across it and every piece of evidence around it.</summary>
/// <param name="GuestBoot">Which boot of the scenario's guest was migrated: 1 is the guest BootGuest started; 2, 3 … a
/// fresh guest booted after a corrupted one (AfterIntegrityFailure=reboot).</param>
public sealed record MigrationRun(
    string Scenario,
    int Index,
    string Workload,
    string Mac,
    string SourceTap,
    string DestinationTap,
    WorkloadRun? Baseline,
    WorkloadRun During,
    MigrationResult Migration,
    PingAnalysis Ping,
    IReadOnlyList<AnnounceFrame> Frames,
    string? FdbPortBefore,
    string? FdbPortAfter,
    bool SshKept,
    IntegrityReport Integrity,
    Disruption? Disruption,
    int GuestBoot = 1,
    SwitchoverBreakdown? Switchover = null)
{

    /// <summary>The network-observed downtime: the ping silence across the guest's pause (completed migrations only).</summary>
    public PingSilence? NetworkSilence => Migration.Completed
        ? Ping.SilenceAcross(Migration.SourceStoppedAt ?? Migration.EndedAfterSeconds, Migration.DestinationResumedAt)
        : null;

    public double? NetworkDowntimeMs => NetworkSilence?.Milliseconds;

    public bool FdbMoved => FdbPortBefore == SourceTap && FdbPortAfter == DestinationTap;
    public int RarpFrames => Frames.Count(f => f.Kind == "rarp" && string.Equals(f.SourceMac, Mac, StringComparison.OrdinalIgnoreCase) && f.T >= 0);
    public int GratuitousArps => Frames.Count(f => f.Gratuitous && string.Equals(f.SourceMac, Mac, StringComparison.OrdinalIgnoreCase) && f.T >= 0);

    /// <summary>For a stream workload: the connection was kept and data flowed again after the migration ended.</summary>
    public bool? StreamKept => During.ConnectionKept is not { } kept ? null
        : kept && During.Points.Any(p => (p.Time - Migration.StartedAt).TotalSeconds - During.IntervalSeconds >= Migration.EndedAfterSeconds && p.Value > 0);

    /// <summary>The workload's series on the migration timeline (end of each interval, seconds after migrate).</summary>
    public List<(double T, double Value)> Timeline(WorkloadRun run) =>
        run.Points.Select(p => ((p.Time - Migration.StartedAt).TotalSeconds, p.Value)).ToList();
}
