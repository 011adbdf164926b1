namespace VirtLab.Config;

public sealed class ProfileConfig
{
    public int Repeats { get; set; } = 3;
    public SysbenchConfig Sysbench { get; set; } = new();
    public IperfConfig Iperf { get; set; } = new();
    public SockperfConfig Sockperf { get; set; } = new();
    public MigrationConfig Migration { get; set; } = new();
}
