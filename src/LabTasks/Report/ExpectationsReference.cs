using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class ExpectationsReference
{
    public RangeReference KvmCpuFractionOfHost { get; set; } = new();
}
