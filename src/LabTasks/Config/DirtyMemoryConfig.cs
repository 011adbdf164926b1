namespace VirtLab.Config;

/// <summary>stress-ng --vm workers rewriting sizeMiB each with the given --vm-method, verified (--verify).</summary>
public sealed class DirtyMemoryConfig
{
    public int Workers { get; set; } = 1;
    public int SizeMiB { get; set; } = 64;
    public string Method { get; set; } = "write64";
}
