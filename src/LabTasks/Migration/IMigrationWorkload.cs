namespace VirtLab.Migration;

/// <summary>A load that runs in the guest across a migration: started before it, stopped after.</summary>
public interface IMigrationWorkload
{
    string Name { get; }

    void Start(WorkloadContext context, CancellationToken cancel);

    /// <summary>Stops the load (on whichever QEMU now runs the guest) and returns what it measured.</summary>
    WorkloadRun Stop(WorkloadContext context, CancellationToken cancel);

    /// <summary>The guest is unreachable: stops what runs on the host side and returns what was measured there.</summary>
    WorkloadRun Abandon(string reason);
}
