using VirtLab.Lab;

namespace VirtLab.Tests;

/// <summary>Guest names grow with their cell's axes (NIC, accelerator, QEMU build); taps must stay apart.</summary>
public sealed class GuestNameTests
{
    [Fact]
    public void Long_guest_names_get_distinct_taps_within_the_kernels_15_characters()
    {
        string[] guests = ["guest-virtio-net-pci", "guest-virtio-net-pci-kvm", "guest-virtio-net-pci-tcg-debian-backports", "guest-virtio-net-pci-debian-backports"];

        var taps = guests.Select(LabNetwork.TapName).ToList();

        Assert.All(taps, t => Assert.InRange(t.Length, 5, 15));
        Assert.All(taps, t => Assert.StartsWith("tap-", t));
        Assert.Equal(taps.Count, taps.Distinct().Count());
        Assert.Equal("tap-mig-0", LabNetwork.TapName("mig-0"));
        Assert.Equal(taps[2], LabNetwork.TapName(guests[2]));
    }

    [Fact]
    public void A_guest_name_is_at_most_a_hostname_long()
    {
        Assert.Equal(new string('a', 63), LabState.ValidGuest(new string('a', 63)));
        Assert.Throws<VirtLab.Util.LabException>(() => LabState.ValidGuest(new string('a', 64)));
        Assert.Throws<VirtLab.Util.LabException>(() => LabState.ValidGuest("guest_tcg"));
    }
}
