using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class RangeReference
{
    public double Low { get; set; }
    public double High { get; set; }
}
