namespace VirtLab.Migration;

/// <summary>How a migration ended, as recorded in labels.outcome.</summary>
public static class MigrationOutcome
{
    public const string Completed = "completed";
    public const string DidNotConverge = "did-not-converge";
    public const string Failed = "failed";
}
