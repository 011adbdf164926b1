using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class SysbenchRunReference
{
    public double TotalSeconds { get; set; }
    public double LatencyMinMs { get; set; }
    public double LatencyAvgMs { get; set; }
    public double LatencyMaxMs { get; set; }
    public double LatencyP95Ms { get; set; }
}
