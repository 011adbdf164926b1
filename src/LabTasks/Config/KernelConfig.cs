namespace VirtLab.Config;

public sealed class KernelConfig
{
    public string Source { get; set; } = "debian";
    public string Package { get; set; } = "linux-image-amd64";
    public string? Path { get; set; }
    public string? Modules { get; set; }
}
