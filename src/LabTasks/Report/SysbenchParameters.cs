namespace VirtLab.Report;

public sealed record SysbenchParameters(
    string? CpuMaxPrime,
    double? CpuEvents,
    string? Threads,
    string? MemoryBlockSize,
    string? MemoryTotalSize,
    string? ToolVersion,
    int Repeats);
