namespace VirtLab.Qemu;

/// <summary>One thread of a QEMU process: its id, its name (comm) and the CPU seconds it has used so far.</summary>
public sealed record QemuThreadSample(int Tid, string Comm, double CpuSeconds);
