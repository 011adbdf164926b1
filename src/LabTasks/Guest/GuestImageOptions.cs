using VirtLab.Util;

namespace VirtLab.Guest;

public sealed record GuestImageOptions(string OutputDirectory)
{
    public const string DefaultKernelPackage = "linux-image-amd64";

    /// <summary>
    /// The NIC drivers the experiments use, the PCI transport virtio devices need, and virtio_rng:
    /// without an entropy source dropbear waits ~2.5 s under TCG for the kernel's RNG
    /// (QEMU: -device virtio-rng-pci). Dependencies are added from modules.dep.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultModules = ["virtio_pci", "virtio_net", "e1000", "8139cp", "8139too", "virtio_rng"];

    public static string DefaultCacheDirectory =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "virtlab", "kernels");

    public KernelSourceKind KernelSource { get; init; } = KernelSourceKind.Debian;
    public string? KernelPackage { get; init; }
    public string? KernelPath { get; init; }
    public string? ModulesPath { get; init; }
    public string? CacheDirectory { get; init; }
    public IReadOnlyList<string> ExtraModules { get; init; } = [];

    /// <summary>"debian" / "host" / "path" (case-insensitive); empty means debian.</summary>
    public static KernelSourceKind ParseKernelSource(string? value) =>
        (value ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "debian" => KernelSourceKind.Debian,
            "host" => KernelSourceKind.Host,
            "path" => KernelSourceKind.Path,
            _ => throw new LabException(LabCodes.ConfigBadValue, $"KernelSource '{value}' is not one of debian, host, path.",
                "set KernelSource to debian (default), host or path"),
        };
}

