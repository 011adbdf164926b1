namespace VirtLab.Report;

/// <summary>
/// One migration with an injected fault: what was done, how the migration ended, where the guest
/// ran afterwards and whether it was verified there, and what QEMU reported on each side (its
/// migration status sequence and, when it failed or was cancelled, the reason).
/// </summary>
public sealed record FaultRow(
    string Scenario,
    int Index,
    string Fault,
    string Outcome,
    string GuestOutcome,
    string Integrity,
    string SourceStatuses,
    string DestinationStatuses,
    string? Reason,
    double? FaultAt,
    double? PausedAt,
    double? RecoveredAt)
{
    public bool GuestVerified => Integrity == "verified";

    /// <summary>What was done to the migration, in words.</summary>
    public string What => Fault switch
    {
        Migration.MigrationFault.KillDestination => "destination QEMU killed (SIGKILL) mid pre-copy",
        Migration.MigrationFault.KillSource => "source QEMU killed (SIGKILL) mid pre-copy",
        Migration.MigrationFault.StreamCut => "migration stream cut mid pre-copy (link down, no FIN or RST)",
        Migration.MigrationFault.PostcopyStreamCut => "stream cut after the postcopy switch-over, restored, recovered on a new channel",
        Migration.MigrationFault.MigrateCancel => "migrate_cancel mid pre-copy",
        _ => Fault,
    };
    public bool GuestLost => GuestOutcome == Migration.GuestFate.Lost;
}
