using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

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
