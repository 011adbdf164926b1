using System.Diagnostics;
using VirtLab.Guest;

namespace VirtLab.Tests;

/// <summary>
/// Boots the real image under TCG with one NIC of each model. The NICs have no QEMU backend, so no
/// packet leaves the guest; READY still proves modules, addressing and dropbear start.
/// </summary>
public class GuestBootTests
{
    [Fact]
    public void The_image_boots_to_READY_with_a_driver_for_every_NIC_model()
    {
        if (!File.Exists("/usr/bin/qemu-system-x86_64")) return;
        using var temp = new GuestTempDirectory();
        var image = new GuestImageBuilder(new GuestImageOptions(Path.Combine(temp.Path, "guest"))).Build();
        var serial = Path.Combine(temp.Path, "serial.log");
        var psi = new ProcessStartInfo("/usr/bin/qemu-system-x86_64") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[]
                 {
                     "-accel", "tcg", "-m", "512", "-smp", "1", "-nodefaults", "-display", "none", "-no-reboot",
                     "-serial", $"file:{serial}", "-kernel", image.PvhKernel ?? image.Kernel, "-initrd", image.Initramfs,
                     "-append", "console=ttyS0 quiet virtlab.ip=10.1.1.11/24 virtlab.hostname=boottest",
                     "-device", "virtio-net-pci", "-device", "e1000", "-device", "rtl8139", "-device", "virtio-rng-pci",
                 })
            psi.ArgumentList.Add(a);

        using var qemu = Process.Start(psi)!;
        var stopwatch = Stopwatch.StartNew();
        var log = "";
        try
        {
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(90) && !qemu.HasExited)
            {
                log = File.Exists(serial) ? File.ReadAllText(serial) : "";
                if (log.Contains("VIRTLAB-READY") || log.Contains("VIRTLAB-ERROR")) break;
                Thread.Sleep(100);
            }
        }
        finally
        {
            if (!qemu.HasExited) qemu.Kill(entireProcessTree: true);
            qemu.WaitForExit(10_000);
        }

        Assert.Matches(@"(?m)^VIRTLAB-READY 10\.1\.1\.11\r?$", log); // the console tty writes \r\n
        Assert.DoesNotContain("failed", log);
        Assert.Contains("VIRTLAB-NIC eth0 virtio_net", log);
        Assert.Contains("VIRTLAB-NIC eth1 e1000", log);
        Assert.Contains("VIRTLAB-NIC eth2 8139cp", log);
    }
}
