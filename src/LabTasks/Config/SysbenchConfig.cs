namespace VirtLab.Config;

public sealed class SysbenchConfig
{
    public int Threads { get; set; } = 1;
    public int CpuMaxPrime { get; set; } = 20000;
    public int CpuEvents { get; set; } = 10000;
    public string MemoryBlockSize { get; set; } = "8K";
    public string MemoryTotalSize { get; set; } = "1G";
}
