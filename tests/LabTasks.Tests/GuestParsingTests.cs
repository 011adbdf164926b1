using VirtLab.Guest;
using VirtLab.Util;

namespace VirtLab.Tests;

public class GuestParsingTests
{
    [Fact]
    public void Ldd_output_gives_libraries_and_the_loader_but_not_the_vdso()
    {
        const string ldd = """
            	linux-vdso.so.1 (0x00007fd000f4b000)
            	libiperf.so.0 => /lib/x86_64-linux-gnu/libiperf.so.0 (0x00007fd000f01000)
            	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fd000d1f000)
            	/lib64/ld-linux-x86-64.so.2 (0x00007fd000f4d000)
            """;
        Assert.Equal(["/lib/x86_64-linux-gnu/libiperf.so.0", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"],
            SharedLibraries.ParseLdd(ldd));
    }

    [Fact]
    public void A_library_the_loader_cannot_find_is_LAB0021()
    {
        var e = Assert.Throws<LabException>(() => SharedLibraries.ParseLdd("\tlibfoo.so.1 => not found\n", "/usr/bin/x"));
        Assert.Equal(LabCodes.GuestImage, e.Code);
        Assert.Contains("libfoo.so.1", e.Message);
    }

    [Fact]
    public void Real_ldd_on_iperf3_includes_its_own_library_and_the_loader()
    {
        var libs = SharedLibraries.Of(HostTools.Find("iperf3"));
        Assert.Contains(libs, l => l.EndsWith("/libiperf.so.0"));
        Assert.Contains("/lib64/ld-linux-x86-64.so.2", libs);
        Assert.Empty(SharedLibraries.Of(HostTools.Find("busybox"))); // busybox-static
    }

    [Theory]
    [InlineData("sysbench 1.0.20", "1.0.20")]
    [InlineData("iperf version 2.1.8 (12 August 2022) pthreads", "2.1.8")]
    [InlineData("iperf 3.12 (cJSON 1.7.15)\nLinux vm 6.18.44", "3.12")]
    [InlineData("stress-ng, version 0.15.06 (gcc 12.2.0, x86_64 Linux 6.18.44-fc-v669)", "0.15.06")]
    [InlineData("Dropbear v2022.83", "2022.83")]
    [InlineData("BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.", "1.35.0")]
    public void Tool_banners_give_their_version(string banner, string version) =>
        Assert.Equal(version, HostTools.ParseVersion(banner));

    [Fact]
    public void The_metapackage_resolves_to_the_versioned_kernel_package()
    {
        Assert.Equal("linux-image-6.1.0-56-amd64", DebianKernelCache.RealKernelDependency("linux-image-6.1.0-56-amd64 (= 6.1.192-2)"));
        Assert.Null(DebianKernelCache.RealKernelDependency("kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool"));
        var (version, depends) = DebianKernelCache.ParseShow("Package: linux-image-amd64\nVersion: 6.1.192-2\nDepends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)\n\nPackage: other\nVersion: 1\n");
        Assert.Equal("6.1.192-2", version);
        Assert.StartsWith("linux-image-6.1.0-56-amd64", depends);

        var (package, _) = DebianKernelCache.ResolvePackage("linux-image-amd64");
        Assert.Matches(@"^linux-image-6\.1\.0-\d+-amd64$", package);
    }

    [Fact]
    public void Package_names_that_could_be_options_are_refused()
    {
        var e = Assert.Throws<LabException>(() => DebianKernelCache.ResolvePackage("-oDebug::pkgAcquire=1"));
        Assert.Equal(LabCodes.KernelFetch, e.Code);
    }

    [Fact]
    public void The_bzImage_header_names_the_kernel_version()
    {
        var kernel = GuestTestKernel.Debian();
        Assert.Equal(kernel.Version, BzImage.ReadVersion(kernel.Vmlinuz));
        Assert.Null(BzImage.ReadVersion("/bin/busybox"));
    }

    [Fact]
    public void The_Debian_kernel_unpacks_to_a_PVH_bootable_vmlinux()
    {
        using var temp = new GuestTempDirectory();
        var vmlinux = Path.Combine(temp.Path, "vmlinux");

        Assert.True(BzImage.TryExtractPvhKernel(GuestTestKernel.Debian().Vmlinuz, vmlinux));

        Assert.True(BzImage.HasPvhEntry(vmlinux));
        Assert.True(new FileInfo(vmlinux).Length > 4 * new FileInfo(GuestTestKernel.Debian().Vmlinuz).Length);
        Assert.False(BzImage.HasPvhEntry("/bin/busybox")); // an ELF without the note
        Assert.False(BzImage.TryExtractPvhKernel("/bin/busybox", vmlinux + "2"));
        Assert.False(File.Exists(vmlinux + "2"));
    }

    [Fact]
    public void A_missing_host_kernel_is_LAB0020_with_a_fix()
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        if (File.Exists($"/boot/vmlinuz-{release}") && Directory.Exists($"/lib/modules/{release}")) return; // this host has one
        var e = Assert.Throws<LabException>(() => KernelProvider.FromHost());
        Assert.Equal(LabCodes.KernelFetch, e.Code);
        Assert.Contains("KernelSource=debian", e.FullMessage);
    }

    [Theory]
    [InlineData(null, KernelSourceKind.Debian)]
    [InlineData("", KernelSourceKind.Debian)]
    [InlineData("HOST", KernelSourceKind.Host)]
    [InlineData("path", KernelSourceKind.Path)]
    public void Kernel_source_names_parse(string? value, KernelSourceKind kind) =>
        Assert.Equal(kind, GuestImageOptions.ParseKernelSource(value));

    [Theory]
    [InlineData("ubuntu")]
    [InlineData("1")]
    public void Unknown_kernel_sources_are_LAB0002(string value) =>
        Assert.Equal(LabCodes.ConfigBadValue, Assert.Throws<LabException>(() => GuestImageOptions.ParseKernelSource(value)).Code);
}

public class GuestKernelPathTests
{
    [Fact]
    public void A_given_kernel_is_named_by_its_bzImage_header()
    {
        var debian = GuestTestKernel.Debian();
        var kernel = KernelProvider.FromPath(debian.Vmlinuz, debian.ModulesDirectory);
        Assert.Equal(debian.Version, kernel.Version);
        Assert.Equal(KernelSourceKind.Path, kernel.Source);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("/nonexistent/vmlinuz")]
    public void A_missing_kernel_path_is_LAB0020(string? path) =>
        Assert.Equal(LabCodes.KernelFetch, Assert.Throws<LabException>(() => KernelProvider.FromPath(path, null)).Code);
}
