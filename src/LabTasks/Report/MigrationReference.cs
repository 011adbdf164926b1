using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class MigrationReference
{
    public MigrationIperfReference Iperf { get; set; } = new();
    public MigrationSysbenchCpuReference SysbenchCpu { get; set; } = new();
    public MigrationSysbenchMemoryReference SysbenchMemory { get; set; } = new();
}
