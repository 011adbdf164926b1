namespace VirtLab.Migration;

/// <summary>How a migration ended, as recorded in labels.outcome.</summary>
public static class MigrationOutcome
{
    public const string Completed = "completed";
    public const string DidNotConverge = "did-not-converge";
    public const string Failed = "failed";
    /// <summary>Cancelled on purpose by a fault scenario (migrate_cancel, or the deadline after a cut stream): the source keeps the guest.</summary>
    public const string Cancelled = "cancelled";
}
