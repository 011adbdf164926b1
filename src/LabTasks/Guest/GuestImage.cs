namespace VirtLab.Guest;

/// <summary>
/// A built guest image: what QEMU boots and what the SSH client needs to trust it. PvhKernel, when
/// not null, is the same kernel as Kernel, uncompressed and bootable with -kernel (faster under TCG).
/// </summary>
public sealed record GuestImage(
    string OutputDirectory,
    string Kernel,
    string Initramfs,
    string? PvhKernel,
    string KeysDirectory,
    string ClientPrivateKey,
    string HostPublicKeyFile,
    string HostPublicKey,
    string KernelVersion,
    string KernelSha256,
    string InitramfsSha256,
    string ManifestPath);
