namespace VirtLab.Migration;

/// <summary>The verdict on a guest after a migration, with every finding that made it fail.</summary>
public sealed record IntegrityReport(bool Passed, IReadOnlyList<string> Findings, string KernelLog)
{
    public string Label => Passed ? "verified" : "failed";
}
