namespace VirtLab.Migration;

/// <summary>The verdict on a guest after a migration, with every finding that made it fail.</summary>
public sealed record IntegrityReport(bool Passed, IReadOnlyList<string> Findings, string KernelLog, bool GuestLost = false)
{
    public string Label => GuestLost ? "guest-lost" : Passed ? "verified" : "failed";

    /// <summary>No verdict: the fault the scenario injected took the guest with it, as it was meant to (kill-source).</summary>
    public static IntegrityReport Lost(string why) => new(false, [why], "", GuestLost: true);

    /// <summary>A verdict that fails the build: the guest should have survived intact and did not.</summary>
    public bool Failed => !Passed && !GuestLost;
}
