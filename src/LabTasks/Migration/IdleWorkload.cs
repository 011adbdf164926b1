namespace VirtLab.Migration;

/// <summary>No load: the migration of an idle guest (bench, ping and announce evidence only).</summary>
public sealed class IdleWorkload : IMigrationWorkload
{
    public string Name => "idle";
    public void Start(WorkloadContext context, CancellationToken cancel) { }
    public WorkloadRun Stop(WorkloadContext context, CancellationToken cancel) => new("idle", "", "", 0, [], null, "", []);
    public WorkloadRun Abandon(string reason) => new("idle", "", "", 0, [], null, "", [reason]);
}
