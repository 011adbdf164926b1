using VirtLab.Net;
using VirtLab.Qemu;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>Counting a NIC model's device work in real QEMU 7.2 trace excerpts (tests/fixtures/qemu-trace/README.md).</summary>
public class DeviceTraceCounterTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "qemu-trace", name);
    private static string[] Trace(string model) => File.ReadAllLines(Fixture($"{model}-guest-to-host.trace.log"));

    private static int Lines(string[] trace, Func<string, bool> match) => trace.Count(match);
    private static bool IsRegionAccess(string line) => line.StartsWith("memory_region_ops_", StringComparison.Ordinal);

    [Theory]
    [InlineData("e1000", "'e1000-")]
    [InlineData("rtl8139", "'rtl8139'")]
    public void Emulated_models_count_only_accesses_to_their_own_regions(string model, string region)
    {
        var trace = Trace(model);
        var counts = DeviceTraceCounter.Count(trace, model);

        var own = Lines(trace, l => IsRegionAccess(l) && l.Contains(region, StringComparison.Ordinal));
        Assert.True(own > 0);
        Assert.Equal(own, counts.RegisterAccesses);
        Assert.Equal(Lines(trace, l => l.StartsWith("memory_region_ops_read", StringComparison.Ordinal) && l.Contains(region, StringComparison.Ordinal)), counts.RegisterReads);
        // The excerpt also has the APIC's MSI window and the HPET: not the NIC's work.
        Assert.True(Lines(trace, IsRegionAccess) > own);
        Assert.Equal(0, counts.QueueKicks);
        Assert.Equal(Lines(trace, l => l.StartsWith("apic_deliver_irq ", StringComparison.Ordinal)), counts.Interrupts);
        Assert.True(counts.Interrupts > 0);
    }

    [Fact]
    public void Virtio_kicks_reach_qemu_without_a_traced_register_access()
    {
        var trace = Trace("virtio-net-pci");
        var counts = DeviceTraceCounter.Count(trace, "virtio-net-pci");

        Assert.True(Lines(trace, IsRegionAccess) > 0);
        Assert.Equal(0, counts.RegisterAccesses);
        Assert.Equal(Lines(trace, l => l.StartsWith("virtio_queue_notify ", StringComparison.Ordinal)), counts.QueueKicks);
        Assert.Equal(Lines(trace, l => l.StartsWith("virtio_notify ", StringComparison.Ordinal)), counts.VirtioNotifies);
        Assert.True(counts.QueueKicks > 0);
        Assert.True(counts.Interrupts > 0);
    }

    [Fact]
    public void Virtio_region_accesses_count_when_there_are_some_and_a_pid_prefix_is_understood()
    {
        string[] trace =
        [
            "1234@1700000000.000001:memory_region_ops_read cpu 0 mr 0x5 addr 0xfe000000 value 0x1 size 1 name 'virtio-pci-isr-virtio-net'",
            "memory_region_ops_write cpu 0 mr 0x5 addr 0xfe003000 value 0x1 size 2 name 'virtio-pci-notify-virtio-net'",
            "memory_region_ops_write cpu -1 mr 0x6 addr 0xfee01004 value 0x8026 size 4 name 'apic-msi'",
            "qemu-system-x86_64: terminating on signal 15",
        ];
        var counts = DeviceTraceCounter.Count(trace, "virtio-net-pci");
        Assert.Equal((1, 1), (counts.RegisterReads, counts.RegisterWrites));
        Assert.Equal(0, DeviceTraceCounter.Count(trace, "e1000").RegisterAccesses);
    }

    [Fact]
    public void A_model_without_known_regions_is_refused()
    {
        var e = Assert.Throws<LabException>(() => DeviceTraceCounter.Count([], "ne2k_pci"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
    }

    [Theory]
    [InlineData("e1000")]
    [InlineData("virtio-net-pci")]
    [InlineData("rtl8139")]
    public void Packets_are_the_guests_nic_received_plus_sent_without_loopback(string model)
    {
        var before = NetDevPackets.Total(File.ReadAllText(Fixture($"{model}-proc-net-dev-before.txt")));
        var after = NetDevPackets.Total(File.ReadAllText(Fixture($"{model}-proc-net-dev-after.txt")));
        var eth0 = File.ReadAllLines(Fixture($"{model}-proc-net-dev-after.txt")).Single(l => l.TrimStart().StartsWith("eth0:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(long.Parse(eth0[2]) + long.Parse(eth0[10]), after);
        Assert.Equal(long.Parse(eth0[1]) + long.Parse(eth0[9]), NetDevPackets.TotalBytes(File.ReadAllText(Fixture($"{model}-proc-net-dev-after.txt"))));
        Assert.True(after - before > 10_000);
        Assert.Equal(0, NetDevPackets.Total("    lo:  100  7  0 0 0 0 0 0  100  7 0 0 0 0 0 0\n"));
    }
}
