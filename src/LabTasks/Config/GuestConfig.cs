namespace VirtLab.Config;

public sealed class GuestConfig
{
    public int MemoryMiB { get; set; } = 512;
    public int Vcpus { get; set; } = 1;
    public KernelConfig Kernel { get; set; } = new();
    public int BootTimeoutSeconds { get; set; } = 120;
}
