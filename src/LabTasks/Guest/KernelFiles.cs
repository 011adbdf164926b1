namespace VirtLab.Guest;

/// <summary>A kernel ready to boot: the bzImage, its modules folder (/lib/modules/VERSION) if any, and where it came from.</summary>
public sealed record KernelFiles(
    string Vmlinuz,
    string? ModulesDirectory,
    string Version,
    KernelSourceKind Source,
    string? Package = null,
    string? PackageVersion = null);
