using System.Net;
using VirtLab.Qemu;
using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>The parts of a migration between hosts that need no host: the hosts' lab addresses and the QMP address a remote QEMU listens on.</summary>
public sealed class TwoHostsPartsTests
{
    private static GuestSpec Guest(string gateway) => new("mig-0", "tcg", 256, 1, "/k", "/i", IPAddress.Parse("10.1.1.1"), 24, IPAddress.Parse(gateway),
        [new GuestNic("virtio-net-pci", "tap-mig-0", QemuCommandLine.Mac(1, 0))], "/tmp/mig-0.serial.log");

    [Fact]
    public void Each_host_gets_its_own_lab_address_below_the_guests_gateway_so_no_two_share_one_LAN_address()
    {
        var guest = Guest("10.1.1.254");
        Assert.Equal(["10.1.1.254/24", "10.1.1.253/24", "10.1.1.252/24"], Enumerable.Range(0, 3).Select(i => MigrateBetweenHosts.LabAddress(guest, i)));
        var e = Assert.Throws<LabException>(() => MigrateBetweenHosts.LabAddress(Guest("10.1.1.2"), 2));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.Contains("network.hostAddress", e.Message);
    }

    [Theory]
    [InlineData("/run/virtlab/lab/mig-0.qmp", "unix:/run/virtlab/lab/mig-0.qmp")]
    [InlineData("tcp:127.0.0.1:23456", "tcp:127.0.0.1:23456")]
    public void A_QMP_monitor_listens_on_a_unix_socket_or_on_the_hosts_loopback_only(string qmp, string chardev)
    {
        Assert.Equal(chardev, QemuCommandLine.QmpChardev(qmp));
    }

    [Theory]
    [InlineData("tcp:0.0.0.0:23456")]
    [InlineData("tcp:10.77.12.11:23456")]
    [InlineData("tcp:127.0.0.1:1,server=on")]
    [InlineData("relative.qmp")]
    public void A_QMP_address_beyond_the_hosts_loopback_is_refused(string qmp)
    {
        Assert.Equal(LabCodes.GuestBoot, Assert.Throws<LabException>(() => QemuCommandLine.QmpChardev(qmp)).Code);
    }
}
