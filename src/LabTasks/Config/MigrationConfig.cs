namespace VirtLab.Config;

/// <summary>The live-migration experiment's timing and its dirty-memory load.</summary>
public sealed class MigrationConfig
{
    /// <summary>A migration still running after this long is cancelled (migrate_cancel) and recorded as did-not-converge.</summary>
    public int DeadlineSeconds { get; set; } = 60;
    /// <summary>Migrations per workload in each scenario (the guest migrated back and forth); a scenario's Repeats metadata overrides it.</summary>
    public int Repeats { get; set; } = 3;
    /// <summary>How often query-migrate is sampled.</summary>
    public int SampleMilliseconds { get; set; } = 250;
    /// <summary>The ping from the lab namespace to the guest: the network-observed downtime is measured to this resolution.</summary>
    public int PingIntervalMilliseconds { get; set; } = 5;
    /// <summary>The iperf3 report interval of the stream across a migration (iperf3's minimum is 100 ms).</summary>
    public int IperfIntervalMilliseconds { get; set; } = 100;
    /// <summary>How long each workload runs without a migration, as its baseline.</summary>
    public int BaselineSeconds { get; set; } = 10;
    /// <summary>How long the workload runs before the migrate command, and after the migration ended.</summary>
    public int LeadSeconds { get; set; } = 3;
    public int TailSeconds { get; set; } = 5;
    public DirtyMemoryConfig DirtyMemory { get; set; } = new();
}
