using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class IperfRunReference
{
    public double GbitPerSecond { get; set; }
    public double Gbytes { get; set; }
    public double Seconds { get; set; }
}
