namespace VirtLab.Config;

/// <summary>experiments/lab.yaml as the loader reads it. Names follow the YAML keys (camelCase there).</summary>
public sealed class LabConfig
{
    public NetworkConfig Network { get; set; } = new();
    public GuestConfig Guest { get; set; } = new();
    public KvmConfig Kvm { get; set; } = new();
    public Dictionary<string, ProfileConfig> Profiles { get; set; } = new() { ["default"] = new ProfileConfig() };
}

public sealed class NetworkConfig
{
    public string HostAddress { get; set; } = "10.1.1.254/24";
    /// <summary>isolated (a namespace of its own, the default) or host-nic (bridge a real NIC, as the homework did).</summary>
    public string Mode { get; set; } = "isolated";
    public string HostNic { get; set; } = "";
    /// <summary>The namespace that holds HostNic; empty for the root namespace (a real host).</summary>
    public string HostNicNamespace { get; set; } = "";
    public BridgeConfig Bridge { get; set; } = new();
}

/// <summary>Bridge parameters for host-NIC mode; the defaults are the homework's (bridge_fd 9, hello 2, maxage 12, stp off).</summary>
public sealed class BridgeConfig
{
    public bool Stp { get; set; }
    public int ForwardDelaySeconds { get; set; } = 9;
    public int HelloTimeSeconds { get; set; } = 2;
    public int MaxAgeSeconds { get; set; } = 12;
}

public sealed class GuestConfig
{
    public int MemoryMiB { get; set; } = 512;
    public int Vcpus { get; set; } = 1;
    public KernelConfig Kernel { get; set; } = new();
    public int BootTimeoutSeconds { get; set; } = 120;
}

public sealed class KernelConfig
{
    public string Source { get; set; } = "debian";
    public string Package { get; set; } = "linux-image-amd64";
    public string? Path { get; set; }
    public string? Modules { get; set; }
}

public sealed class KvmConfig
{
    public int ProbeTimeoutSeconds { get; set; } = 20;
}

public sealed class ProfileConfig
{
    public int Repeats { get; set; } = 3;
    public SysbenchConfig Sysbench { get; set; } = new();
    public IperfConfig Iperf { get; set; } = new();
    public SockperfConfig Sockperf { get; set; } = new();
    public MigrationConfig Migration { get; set; } = new();
}

/// <summary>TCP request/response latency: sockperf ping-pong for durationSeconds with messageSize-byte messages.</summary>
public sealed class SockperfConfig
{
    /// <summary>sockperf 3.7 drops about 1.1 s of each run as warm-up and cool-down, so a few seconds is the least that says anything.</summary>
    public int DurationSeconds { get; set; } = 10;
    public int MessageSize { get; set; } = 64;
}

/// <summary>The live-migration experiment's timing and its dirty-memory load.</summary>
public sealed class MigrationConfig
{
    /// <summary>A migration still running after this long is cancelled (migrate_cancel) and recorded as did-not-converge.</summary>
    public int DeadlineSeconds { get; set; } = 60;
    /// <summary>How often query-migrate is sampled.</summary>
    public int SampleMilliseconds { get; set; } = 250;
    public int PingIntervalMilliseconds { get; set; } = 20;
    public int IperfIntervalMilliseconds { get; set; } = 500;
    /// <summary>How long each workload runs without a migration, as its baseline.</summary>
    public int BaselineSeconds { get; set; } = 10;
    /// <summary>How long the workload runs before the migrate command, and after the migration ended.</summary>
    public int LeadSeconds { get; set; } = 3;
    public int TailSeconds { get; set; } = 5;
    public DirtyMemoryConfig DirtyMemory { get; set; } = new();
}

/// <summary>stress-ng --vm workers rewriting sizeMiB each with the given --vm-method, verified (--verify).</summary>
public sealed class DirtyMemoryConfig
{
    public int Workers { get; set; } = 1;
    public int SizeMiB { get; set; } = 64;
    public string Method { get; set; } = "write64";
}

public sealed class IperfConfig
{
    public int DurationSeconds { get; set; } = 10;
    public double IntervalSeconds { get; set; } = 1;
    /// <summary>TCP window (-w), e.g. 416K; empty leaves it to the kernel.</summary>
    public string Window { get; set; } = "";
    public int Streams { get; set; } = 1;
}

public sealed class SysbenchConfig
{
    public int Threads { get; set; } = 1;
    public int CpuMaxPrime { get; set; } = 20000;
    public int CpuEvents { get; set; } = 10000;
    public string MemoryBlockSize { get; set; } = "8K";
    public string MemoryTotalSize { get; set; } = "1G";
}
