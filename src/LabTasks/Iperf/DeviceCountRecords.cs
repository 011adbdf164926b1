using System.Globalization;
using VirtLab.Qemu;

namespace VirtLab.Iperf;

/// <summary>
/// Records of one device counting run (label run=device-count): the NIC model's register accesses,
/// virtqueue kicks and interrupts counted in QEMU's trace, and per packet the guest's NIC moved
/// (received + sent, from the guest's /proc/net/dev).
/// </summary>
public static class DeviceCountRecords
{
    public const string RunLabel = "device-count";
    public const string PacketSource = "guest-proc-net-dev";

    public static IEnumerable<Records.Record> From(DeviceTraceCounts counts, long packets, long bytes, double seconds, SortedDictionary<string, string> labels, DateTimeOffset time)
    {
        labels = new SortedDictionary<string, string>(labels)
        {
            ["run"] = RunLabel,
            ["packet_source"] = PacketSource,
            ["count_seconds"] = seconds.ToString("0.###", CultureInfo.InvariantCulture),
        };
        Records.Record Make(string metric, double value, string unit) => new(metric, value, unit, labels, time);
        var records = new List<Records.Record>
        {
            Make("device_count_packets", packets, "count"),
            Make("device_count_bytes", bytes, "bytes"),
            Make("nic_register_accesses", counts.RegisterAccesses, "count"),
            Make("virtqueue_kicks", counts.QueueKicks, "count"),
            Make("nic_interrupts", counts.Interrupts, "count"),
        };
        if (packets > 0)
        {
            // Packets are what the guest's driver handled; with TSO/GSO (virtio-net) one is up to 64 KiB, so say how big they were.
            records.Add(Make("device_count_bytes_per_packet", bytes / (double)packets, "bytes"));
            records.Add(Make("nic_register_accesses_per_packet", counts.RegisterAccesses / (double)packets, "1/packet"));
            records.Add(Make("virtqueue_kicks_per_packet", counts.QueueKicks / (double)packets, "1/packet"));
            records.Add(Make("nic_interrupts_per_packet", counts.Interrupts / (double)packets, "1/packet"));
        }
        return records;
    }
}
