namespace VirtLab.Migration;

/// <summary>
/// One scenario of the experiment: for each workload, a baseline run without migration, then
/// <see cref="Repeats"/> runs each across one migration with the scenario's settings (and fault,
/// if any), the guest moving on to the next QEMU each time (mig-0 → mig-1 → …).
/// <see cref="AfterIntegrityFailure"/> says whether a corrupted guest ends the scenario or is
/// replaced by a freshly booted one.
/// </summary>
public sealed record ScenarioPlan(
    string Scenario,
    IReadOnlyList<string> Workloads,
    MigrationSettings Settings,
    MigrationFault? Fault,
    TimeSpan BaselineDuration,
    TimeSpan Lead,
    TimeSpan Tail,
    TimeSpan PingInterval,
    int Repeats = 1,
    AfterIntegrityFailure AfterIntegrityFailure = AfterIntegrityFailure.Stop)
{
    /// <summary>How many migrations the plan makes when every guest stays intact (or is rebooted).</summary>
    public int PlannedMigrations => Workloads.Count * Repeats;
}
