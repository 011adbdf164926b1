using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class SysbenchCpuReference
{
    public string Tool { get; set; } = "";
    public string Command { get; set; } = "";
    public int Threads { get; set; }
    public int Events { get; set; }
    public SysbenchRunReference Kvm { get; set; } = new();
    public SysbenchRunReference Tcg { get; set; } = new();

    public double? KvmEventsPerSecond => Kvm.TotalSeconds > 0 ? Events / Kvm.TotalSeconds : null;
    public double? TcgEventsPerSecond => Tcg.TotalSeconds > 0 ? Events / Tcg.TotalSeconds : null;

    /// <summary>How many times longer the TCG run took than the KVM run.</summary>
    public double? TcgSlowdownVsKvm => Kvm.TotalSeconds > 0 ? Tcg.TotalSeconds / Kvm.TotalSeconds : null;
}
