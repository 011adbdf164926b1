namespace VirtLab.Config;

public sealed class NetworkConfig
{
    public string HostAddress { get; set; } = "10.1.1.254/24";
    /// <summary>isolated (a namespace of its own, the default) or host-nic (bridge a real NIC, as the homework did).</summary>
    public string Mode { get; set; } = "isolated";
    public string HostNic { get; set; } = "";
    /// <summary>The namespace that holds HostNic; empty for the root namespace (a real host).</summary>
    public string HostNicNamespace { get; set; } = "";
    public BridgeConfig Bridge { get; set; } = new();
}
