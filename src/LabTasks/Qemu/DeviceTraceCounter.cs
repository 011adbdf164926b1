using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// Counts a NIC model's device work in QEMU's trace log (log backend, one event per line, optionally
/// prefixed "pid@seconds:"). Register accesses count only the NIC's own MemoryRegions — other
/// regions (the APIC's MSI window, the HPET …) are not the NIC's work.
/// </summary>
public static partial class DeviceTraceCounter
{
    /// <summary>
    /// The MemoryRegion names of each model's registers, as QEMU 7.2 names them: e1000's MMIO and
    /// I/O BARs, rtl8139's (both BARs are "rtl8139"), virtio-pci's common/isr/device/notify
    /// capabilities ("virtio-pci-common-virtio-net" …), its legacy I/O BAR ("virtio-pci") and its
    /// MSI-X table and PBA. Under TCG virtio's doorbell writes reach the device through an
    /// ioeventfd, without a traced region access: they are the kicks.
    /// </summary>
    public static IReadOnlyList<string> RegionPrefixes(string nicModel) => nicModel switch
    {
        "e1000" => ["e1000-mmio", "e1000-io"],
        "rtl8139" => ["rtl8139"],
        "virtio-net-pci" => ["virtio-pci", "msix-table", "msix-pba"],
        _ => throw new LabException(LabCodes.ConfigBadValue, $"'{nicModel}' is not a NIC model VirtLab counts device work for.", "use virtio-net-pci, e1000 or rtl8139."),
    };

    public static DeviceTraceCounts Count(IEnumerable<string> lines, string nicModel)
    {
        var prefixes = RegionPrefixes(nicModel);
        long reads = 0, writes = 0, kicks = 0, notifies = 0, interrupts = 0;
        foreach (var line in lines)
        {
            var match = EventLine().Match(line);
            if (!match.Success) continue;
            switch (match.Groups["event"].Value)
            {
                case DeviceTraceEvents.RegionRead when IsNicRegion(match, prefixes): reads++; break;
                case DeviceTraceEvents.RegionWrite when IsNicRegion(match, prefixes): writes++; break;
                case DeviceTraceEvents.QueueNotify: kicks++; break;
                case DeviceTraceEvents.VirtioNotify: notifies++; break;
                case DeviceTraceEvents.ApicDeliver: interrupts++; break;
            }
        }
        return new DeviceTraceCounts(reads, writes, kicks, notifies, interrupts);
    }

    private static bool IsNicRegion(Match line, IReadOnlyList<string> prefixes)
    {
        var region = RegionName().Match(line.Groups["rest"].Value);
        return region.Success && prefixes.Any(p => region.Groups[1].Value.StartsWith(p, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^(?:[0-9]+@[0-9.]+:)?(?<event>[a-z0-9_]+) (?<rest>.*)$")]
    private static partial Regex EventLine();

    [GeneratedRegex(@" name '([^']*)'\s*$")]
    private static partial Regex RegionName();
}
