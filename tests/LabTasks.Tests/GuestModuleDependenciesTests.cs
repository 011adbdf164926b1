using VirtLab.Guest;
using VirtLab.Util;

namespace VirtLab.Tests;

public class GuestModuleDependenciesTests
{
    private const string Synthetic = """
        kernel/drivers/net/virtio_net.ko.xz: kernel/drivers/net/net_failover.ko.xz kernel/net/core/failover.ko.xz kernel/drivers/virtio/virtio.ko.xz kernel/drivers/virtio/virtio_ring.ko.xz
        kernel/drivers/net/net_failover.ko.xz: kernel/net/core/failover.ko.xz
        kernel/net/core/failover.ko.xz:
        kernel/drivers/virtio/virtio.ko.xz: kernel/drivers/virtio/virtio_ring.ko.xz
        kernel/drivers/virtio/virtio_ring.ko.xz:
        kernel/drivers/net/ethernet/realtek/8139cp.ko.xz: kernel/drivers/net/mii.ko.xz
        kernel/drivers/net/ethernet/realtek/8139too.ko.xz: kernel/drivers/net/mii.ko.xz
        kernel/drivers/net/mii.ko.xz:
        kernel/drivers/some/dash-name.ko:
        """;

    [Fact]
    public void Every_module_comes_after_the_modules_it_needs_and_only_once()
    {
        var graph = ModuleDependencies.Parse(Synthetic);
        var order = graph.LoadOrder(["virtio_net", "8139cp", "8139too"]);
        Assert.Equal(
        [
            "kernel/net/core/failover.ko.xz",
            "kernel/drivers/net/net_failover.ko.xz",
            "kernel/drivers/virtio/virtio_ring.ko.xz",
            "kernel/drivers/virtio/virtio.ko.xz",
            "kernel/drivers/net/virtio_net.ko.xz",
            "kernel/drivers/net/mii.ko.xz",
            "kernel/drivers/net/ethernet/realtek/8139cp.ko.xz",
            "kernel/drivers/net/ethernet/realtek/8139too.ko.xz",
        ], order);
    }

    [Fact]
    public void Dash_and_underscore_name_the_same_module()
    {
        var graph = ModuleDependencies.Parse(Synthetic);
        Assert.Equal(["kernel/drivers/net/virtio_net.ko.xz"], graph.LoadOrder(["virtio-net"]).Skip(4));
        Assert.Equal(["kernel/drivers/some/dash-name.ko"], graph.LoadOrder(["dash_name"]));
        Assert.Equal("virtio_net", ModuleDependencies.NameOf("kernel/drivers/net/virtio_net.ko.zst"));
    }

    [Fact]
    public void Built_in_modules_are_skipped_and_unknown_ones_are_LAB0021()
    {
        var graph = ModuleDependencies.Parse(Synthetic, "kernel/drivers/net/ethernet/intel/e1000/e1000.ko\n");
        Assert.Empty(graph.LoadOrder(["e1000"]));
        var e = Assert.Throws<LabException>(() => graph.LoadOrder(["no_such_module"]));
        Assert.Equal(LabCodes.GuestImage, e.Code);
    }

    [Fact]
    public void A_cycle_is_reported_instead_of_looping()
    {
        var graph = ModuleDependencies.Parse("a.ko: b.ko\nb.ko: a.ko\n");
        var e = Assert.Throws<LabException>(() => graph.LoadOrder(["a"]));
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void The_Debian_kernel_needs_the_virtio_transport_mii_and_nothing_else()
    {
        var kernel = GuestTestKernel.Debian();
        var graph = KernelProvider.ReadModuleDependencies(kernel.ModulesDirectory!, kernel.Version);
        Assert.True(graph.Count > 1000);
        var order = graph.LoadOrder(GuestImageOptions.DefaultModules);
        var names = order.Select(ModuleDependencies.NameOf).ToList();
        Assert.Equal(
            new[] { "8139cp", "8139too", "e1000", "failover", "mii", "net_failover", "virtio", "virtio_net", "virtio_pci",
                "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_ring", "virtio_rng" },
            names.Order(StringComparer.Ordinal));
        Assert.True(names.IndexOf("virtio_ring") < names.IndexOf("virtio_pci"));
        Assert.True(names.IndexOf("net_failover") < names.IndexOf("virtio_net"));
        Assert.True(names.IndexOf("mii") < names.IndexOf("8139cp"));
        Assert.True(names.IndexOf("8139cp") < names.IndexOf("8139too"));
    }

    [Fact]
    public void A_modules_folder_without_modules_dep_gets_one_from_depmod_without_being_written_to()
    {
        var kernel = GuestTestKernel.Debian();
        using var temp = new GuestTempDirectory();
        var modules = Path.Combine(temp.Path, kernel.Version);
        var source = Path.Combine(kernel.ModulesDirectory!, "kernel", "drivers", "net");
        Directory.CreateDirectory(Path.Combine(modules, "kernel", "drivers", "net"));
        foreach (var f in new[] { "mii.ko", "virtio_net.ko", "net_failover.ko" })
            File.Copy(Path.Combine(source, f), Path.Combine(modules, "kernel", "drivers", "net", f));

        var graph = KernelProvider.ReadModuleDependencies(modules, kernel.Version);

        Assert.Equal(3, graph.Count);
        Assert.Equal(["kernel/drivers/net/mii.ko"], graph.LoadOrder(["mii"]));
        Assert.False(File.Exists(Path.Combine(modules, "modules.dep")));
    }
}
