using VirtLab.Util;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

/// <summary>
/// The original submission's figures (templates/report/reference.yaml), shown beside the measured
/// ones and always labelled as the reference. Derived figures (events/s, ratios) are computed here.
/// </summary>
public sealed class ReportReference
{
    public string Label { get; set; } = "original submission (reference)";
    public BridgeReference Bridge { get; set; } = new();
    public SysbenchCpuReference SysbenchCpu { get; set; } = new();
    public IperfReference Iperf { get; set; } = new();
    public MigrationReference Migration { get; set; } = new();
    public ExpectationsReference Expectations { get; set; } = new();

    /// <summary>iperf during the migration relative to the virtio baseline of question C.</summary>
    public double? MigrationIperfOverVirtio =>
        Iperf.Virtio.GbitPerSecond > 0 ? Migration.Iperf.AverageGbitPerSecond / Iperf.Virtio.GbitPerSecond : null;

    public static ReportReference Load(string path)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        try
        {
            return deserializer.Deserialize<ReportReference?>(File.ReadAllText(path)) ?? new ReportReference();
        }
        catch (YamlException e)
        {
            throw new LabException(LabCodes.Template, $"The report's reference figures cannot be read: {e.InnerException?.Message ?? e.Message}",
                "fix the key or value at that line; ReportReference.cs lists the keys.", path, (int)e.Start.Line, (int)e.Start.Column);
        }
        catch (IOException e)
        {
            throw new LabException(LabCodes.Template, $"The report's reference figures cannot be read: {e.Message}",
                "restore templates/report/reference.yaml from the repository.", path);
        }
    }
}

public sealed class BridgeReference
{
    public string Eth0 { get; set; } = "";
    public string Br0Address { get; set; } = "";
    public string Br0Gateway { get; set; } = "";
    public string BridgePorts { get; set; } = "";
    public int BridgeFd { get; set; }
    public int BridgeHello { get; set; }
    public int BridgeMaxage { get; set; }
    public string BridgeStp { get; set; } = "";
    public string LabAlias { get; set; } = "";
    public string LabAddress { get; set; } = "";
}

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

public sealed class SysbenchRunReference
{
    public double TotalSeconds { get; set; }
    public double LatencyMinMs { get; set; }
    public double LatencyAvgMs { get; set; }
    public double LatencyMaxMs { get; set; }
    public double LatencyP95Ms { get; set; }
}

public sealed class IperfReference
{
    public string Tool { get; set; } = "";
    public string Command { get; set; } = "";
    public string Note { get; set; } = "";
    public IperfRunReference Virtio { get; set; } = new();
    public IperfRunReference WithoutVirtio { get; set; } = new();

    public double? VirtioOverWithout => WithoutVirtio.GbitPerSecond > 0 ? Virtio.GbitPerSecond / WithoutVirtio.GbitPerSecond : null;
}

public sealed class IperfRunReference
{
    public double GbitPerSecond { get; set; }
    public double Gbytes { get; set; }
    public double Seconds { get; set; }
}

public sealed class MigrationReference
{
    public MigrationIperfReference Iperf { get; set; } = new();
    public MigrationSysbenchCpuReference SysbenchCpu { get; set; } = new();
    public MigrationSysbenchMemoryReference SysbenchMemory { get; set; } = new();
}

public sealed class MigrationIperfReference
{
    public double AverageGbitPerSecond { get; set; }
    public double Seconds { get; set; }
    public double IntervalSeconds { get; set; }
    public double IntervalMinGbitPerSecond { get; set; }
    public double IntervalMaxGbitPerSecond { get; set; }
}

public sealed class MigrationSysbenchCpuReference
{
    public double BaselineTotalSeconds { get; set; }
    public double DuringTotalSeconds { get; set; }
    public double BaselineLatencyMaxMs { get; set; }
    public double DuringLatencyMaxMs { get; set; }

    /// <summary>Relative increase of the total time during the migration (0.0045 = 0.45 % longer).</summary>
    public double? SlowdownFraction => BaselineTotalSeconds > 0 ? DuringTotalSeconds / BaselineTotalSeconds - 1 : null;
    public double? LatencyMaxRatio => BaselineLatencyMaxMs > 0 ? DuringLatencyMaxMs / BaselineLatencyMaxMs : null;
}

public sealed class MigrationSysbenchMemoryReference
{
    public string Command { get; set; } = "";
    public double BaselineMegabytesPerSecond { get; set; }
    public double DuringMegabytesPerSecond { get; set; }

    /// <summary>During / baseline.</summary>
    public double? DuringFraction => BaselineMegabytesPerSecond > 0 ? DuringMegabytesPerSecond / BaselineMegabytesPerSecond : null;
}

public sealed class ExpectationsReference
{
    public RangeReference KvmCpuFractionOfHost { get; set; } = new();
}

public sealed class RangeReference
{
    public double Low { get; set; }
    public double High { get; set; }
}
