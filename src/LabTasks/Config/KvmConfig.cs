namespace VirtLab.Config;

public sealed class KvmConfig
{
    public int ProbeTimeoutSeconds { get; set; } = 20;
}
