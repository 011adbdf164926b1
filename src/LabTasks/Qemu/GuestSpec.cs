using System.Net;

namespace VirtLab.Qemu;

/// <summary>
/// Everything needed to start one guest. Values are validated where they are parsed. A guest with
/// <see cref="Incoming"/> set (e.g. "tcp:127.0.0.1:4444") is a live-migration destination: QEMU
/// starts paused and waits for the source's state instead of booting. <see cref="TcgThreads"/>
/// ("multi", "single"; TCG only) and <see cref="CpuModel"/> (-cpu; null: max under TCG, host
/// under KVM) are a migration scenario's guest variant (<see cref="GuestVariant"/>); null: QEMU's
/// default as every other guest runs.
/// </summary>
public sealed record GuestSpec(
    string Name,
    string Accel,
    int MemoryMiB,
    int Vcpus,
    string Kernel,
    string Initramfs,
    IPAddress Address,
    int PrefixLength,
    IPAddress Gateway,
    IReadOnlyList<GuestNic> Nics,
    string SerialLog,
    IReadOnlyList<string>? ExtraKernelArgs = null,
    string? Incoming = null,
    string? TraceLog = null,
    QemuBinary? Qemu = null,
    string? TcgThreads = null,
    string? CpuModel = null)
{
    /// <summary>The QEMU build the guest runs on (the system's when none is given).</summary>
    public QemuBinary Binary => Qemu ?? QemuBinary.Distro;

    public static readonly string[] Accelerators = ["kvm", "tcg"];
}
