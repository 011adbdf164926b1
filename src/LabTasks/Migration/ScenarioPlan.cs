namespace VirtLab.Migration;

/// <summary>
/// One scenario of the experiment: for each workload, a baseline run without migration, then
/// <see cref="Repeats"/> runs each across one migration with the scenario's settings (and fault,
/// if any), the guest moving on to the next QEMU each time (mig-0 → mig-1 → …).
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
    int Repeats = 1);
