namespace VirtLab.Config;

/// <summary>Bridge parameters for host-NIC mode; the defaults are the homework's (bridge_fd 9, hello 2, maxage 12, stp off).</summary>
public sealed class BridgeConfig
{
    public bool Stp { get; set; }
    public int ForwardDelaySeconds { get; set; } = 9;
    public int HelloTimeSeconds { get; set; } = 2;
    public int MaxAgeSeconds { get; set; } = 12;
}
