using System.Collections;
using System.IO.Compression;
using Microsoft.Build.Framework;
using VirtLab.Guest;
using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class GuestImageBuilderTests
{
    /// <summary>The archive as the host's cpio lists it: name → "cpio -itv" line.</summary>
    private static Dictionary<string, string> ListArchive(string initramfs, string scratch)
    {
        var cpio = Path.Combine(scratch, "initramfs.cpio");
        using (var gzip = new GZipStream(File.OpenRead(initramfs), CompressionMode.Decompress))
        using (var output = File.Create(cpio))
            gzip.CopyTo(output);
        var result = ProcessRunner.Run("cpio", ["-itv", "-F", cpio], TimeSpan.FromMinutes(1));
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l.Split(" -> ")[0].Split(' ')[^1], l => l);
    }

    [Fact]
    public void A_real_image_has_init_modules_tools_their_libraries_and_private_keys()
    {
        using var temp = new GuestTempDirectory();
        var output = Path.Combine(temp.Path, "guest");

        var image = new GuestImageBuilder(new GuestImageOptions(output)).Build();

        var kver = GuestTestKernel.Debian().Version;
        Assert.Equal(kver, image.KernelVersion);
        var entries = ListArchive(image.Initramfs, temp.Path);
        Assert.StartsWith("-rwxr-xr-x", entries["init"]);
        Assert.StartsWith("crw-------", entries["dev/console"]);
        Assert.StartsWith("lrwxrwxrwx", entries["bin/sh"]);
        foreach (var module in new[] { "drivers/net/virtio_net.ko", "drivers/virtio/virtio_pci.ko", "drivers/virtio/virtio_ring.ko",
                     "drivers/net/ethernet/intel/e1000/e1000.ko", "drivers/net/ethernet/realtek/8139cp.ko", "drivers/net/mii.ko" })
            Assert.Contains($"lib/modules/{kver}/kernel/{module}", entries.Keys);
        foreach (var program in new[] { "usr/bin/sysbench", "usr/bin/iperf", "usr/bin/iperf3", "usr/bin/stress-ng", "usr/sbin/dropbear", "bin/busybox" })
            Assert.StartsWith("-rwxr-xr-x", entries[program]);
        foreach (var library in SharedLibraries.Of(HostTools.Find("sysbench")))
            Assert.Contains(library.TrimStart('/'), entries.Keys);
        Assert.Contains("lib64/ld-linux-x86-64.so.2", entries.Keys);
        Assert.StartsWith("-rw-------", entries["root/.ssh/authorized_keys"]);
        Assert.StartsWith("drwx------", entries["root/.ssh"]);
        Assert.StartsWith("-rw-------", entries[GuestRootfs.HostKeyPath]);
        Assert.DoesNotContain(entries.Keys, k => k.EndsWith(".ko.xz") || k.Contains("sound/"));

        Assert.Equal(GuestKeys.PrivateDirectory, File.GetUnixFileMode(image.KeysDirectory));
        Assert.Equal(GuestKeys.PrivateFile, File.GetUnixFileMode(image.ClientPrivateKey));
        Assert.Equal(GuestKeys.PrivateFile, File.GetUnixFileMode(Path.Combine(image.KeysDirectory, "guest_host_ed25519")));
        Assert.True(File.Exists(Path.Combine(output, "keys", "id_ed25519.pub")));
        Assert.Matches("^ssh-ed25519 AAAA", image.HostPublicKey);
        Assert.Equal(FileDigest.Sha256(image.Initramfs), image.InitramfsSha256);
        Assert.Equal(FileDigest.Sha256(GuestTestKernel.Debian().Vmlinuz), image.KernelSha256);
        Assert.Equal(Path.Combine(output, "vmlinux"), image.PvhKernel);
        Assert.True(BzImage.HasPvhEntry(image.PvhKernel!));

        var manifest = ImageManifest.FromJson(File.ReadAllText(Path.Combine(output, "image.json")));
        Assert.Equal("debian", manifest.KernelSource);
        Assert.Matches(@"^linux-image-6\.1\.0-\d+-amd64$", manifest.KernelPackage);
        Assert.Equal(["busybox", "dropbear", "iperf", "iperf3", "sockperf", "stress-ng", "sysbench"], manifest.Tools.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("unknown", manifest.Tools.Values);
        Assert.Contains("virtio_net", manifest.Modules);

        // A rebuild keeps the keys, so the same content gives the same archive; Load reads it back.
        var again = new GuestImageBuilder(new GuestImageOptions(output)).Build();
        Assert.Equal(image.InitramfsSha256, again.InitramfsSha256);
        Assert.Equal(image.HostPublicKey, again.HostPublicKey);
        Assert.Equal(again, GuestImageBuilder.Load(output));
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
    }

    [Fact]
    public void Loading_a_folder_without_an_image_is_LAB0021()
    {
        using var temp = new GuestTempDirectory();
        var e = Assert.Throws<LabException>(() => GuestImageBuilder.Load(temp.Path));
        Assert.Equal(LabCodes.GuestImage, e.Code);
        Assert.Contains("BuildGuestImage", e.FullMessage);
    }

    [Fact]
    public void The_task_reports_a_missing_host_kernel_as_LAB0020()
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        if (File.Exists($"/boot/vmlinuz-{release}")) return; // this host has one
        using var temp = new GuestTempDirectory();
        var engine = new RecordingBuildEngine();
        var task = new BuildGuestImage { BuildEngine = engine, OutputDirectory = temp.Path, KernelSource = "host" };

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(LabCodes.KernelFetch, error.Code);
        Assert.Contains("Fix:", error.Message);
    }

    [Fact]
    public void The_task_outputs_the_image_paths_and_hash()
    {
        using var temp = new GuestTempDirectory();
        var engine = new RecordingBuildEngine();
        var task = new BuildGuestImage { BuildEngine = engine, OutputDirectory = temp.Path };

        Assert.True(task.Execute(), string.Join("\n", engine.Errors.Select(e => e.Message)));

        Assert.Equal(Path.Combine(temp.Path, "vmlinuz"), task.Kernel);
        Assert.Equal(Path.Combine(temp.Path, "initramfs.cpio.gz"), task.Initramfs);
        Assert.Equal(FileDigest.Sha256(task.Initramfs), task.ImageHash);
        Assert.Equal(GuestTestKernel.Debian().Version, task.KernelVersion);
        Assert.Equal(Path.Combine(temp.Path, "vmlinux"), task.PvhKernel);
    }

    private sealed class RecordingBuildEngine : IBuildEngine
    {
        public List<BuildErrorEventArgs> Errors { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.proj";
        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
        public void LogWarningEvent(BuildWarningEventArgs e) { }
        public void LogMessageEvent(BuildMessageEventArgs e) { }
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;
    }
}
