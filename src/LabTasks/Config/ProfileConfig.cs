namespace VirtLab.Config;

public sealed class ProfileConfig
{
    public RepeatsConfig Repeats { get; set; } = new();
    /// <summary>One discarded warm-up run before each sysbench and iperf cell's repeats.</summary>
    public bool Warmup { get; set; } = true;
    public SysbenchConfig Sysbench { get; set; } = new();
    public IperfConfig Iperf { get; set; } = new();
    public SockperfConfig Sockperf { get; set; } = new();
    public MigrationConfig Migration { get; set; } = new();
}
