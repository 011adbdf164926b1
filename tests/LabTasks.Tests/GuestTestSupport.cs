using VirtLab.Guest;

namespace VirtLab.Tests;

/// <summary>The Debian kernel from the shared cache (~/.cache/virtlab/kernels); downloaded once, then reused.</summary>
internal static class GuestTestKernel
{
    private static readonly Lazy<KernelFiles> Kernel = new(() =>
        new DebianKernelCache(GuestImageOptions.DefaultCacheDirectory).Fetch(GuestImageOptions.DefaultKernelPackage));

    public static KernelFiles Debian() => Kernel.Value;
}

internal sealed class GuestTempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("virtlab-guest-test-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
