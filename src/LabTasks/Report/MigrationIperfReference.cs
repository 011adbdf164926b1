using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class MigrationIperfReference
{
    public double AverageGbitPerSecond { get; set; }
    public double Seconds { get; set; }
    public double IntervalSeconds { get; set; }
    public double IntervalMinGbitPerSecond { get; set; }
    public double IntervalMaxGbitPerSecond { get; set; }
}
