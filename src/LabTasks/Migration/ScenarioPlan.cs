namespace VirtLab.Migration;

/// <summary>
/// One scenario of the experiment: for each workload, a baseline run without migration, then a
/// run across one migration with the scenario's settings (and fault, if any).
/// </summary>
public sealed record ScenarioPlan(
    string Scenario,
    IReadOnlyList<string> Workloads,
    MigrationSettings Settings,
    MigrationFault? Fault,
    TimeSpan BaselineDuration,
    TimeSpan Lead,
    TimeSpan Tail,
    TimeSpan PingInterval);
