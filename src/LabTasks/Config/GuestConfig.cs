namespace VirtLab.Config;

public sealed class GuestConfig
{
    public int MemoryMiB { get; set; } = 512;
    public int Vcpus { get; set; } = 1;
    public KernelConfig Kernel { get; set; } = new();
    public int BootTimeoutSeconds { get; set; } = 120;
    /// <summary>
    /// Extra kernel arguments of every guest of every experiment, separated by spaces. pti=on: QEMU
    /// 7.2 under TCG corrupts busy guests migrated without page-table isolation, and a guest measured
    /// for B or C must boot as the migrated one does, or D's baselines are not B's.
    /// </summary>
    public string KernelArguments { get; set; } = "pti=on";
}
