using System.Globalization;
using VirtLab.Records;
using VirtLab.Stats;
using static VirtLab.Report.TemplateRenderer.Formatting;

namespace VirtLab.Report;

/// <summary>
/// Question C's device cost: per NIC model and direction the QEMU thread cores of the iperf repeats
/// and the per-packet device work of the device counting run, with sentences read off the numbers.
/// </summary>
public sealed record DeviceCost(IReadOnlyList<DeviceCostRow> Rows, IReadOnlyList<string> Sentences)
{
    public const string DeviceCountRun = "device-count";

    public bool Measured => Rows.Any(r => r.VcpuCores is not null || r.RegisterAccessesPerPacket is not null);

    public static DeviceCost From(IReadOnlyList<Record> records, IReadOnlyList<IperfRow> iperfRows)
    {
        var rows = iperfRows.Where(r => r.Measured && r.Nic != ReportIperf.Loopback).Select(r =>
        {
            var cell = records.Where(x => x.Label("nic") == r.Nic && x.Label("direction") == r.Direction && x.Value is not null && !x.IsUnavailable).ToList();
            double? Cores(string role) => Median(cell.Where(x => x.Metric == "qemu_thread_cpu_cores" && x.Label("thread_role") == role));
            double? Counted(string metric) => Median(cell.Where(x => x.Metric == metric && x.Label("run") == DeviceCountRun));
            return new DeviceCostRow(r.Nic, r.Direction, r.Median, Cores("vcpu"), Cores("main"), Cores("other"),
                Counted("nic_register_accesses_per_packet"), Counted("virtqueue_kicks_per_packet"), Counted("nic_interrupts_per_packet"),
                Counted("device_count_packets"), Counted("device_count_bytes_per_packet"));
        }).ToList();
        return new DeviceCost(rows, SentencesFor(rows));
    }

    private static List<string> SentencesFor(List<DeviceCostRow> rows)
    {
        var sentences = new List<string>();
        foreach (var direction in rows.Select(r => r.Direction).Distinct())
        {
            var counted = rows.Where(r => r.Direction == direction && r.RegisterAccessesPerPacket is not null)
                .OrderByDescending(r => r.RegisterAccessesPerPacket).ToList();
            if (counted.Count >= 2)
                sentences.Add($"{direction}: {counted[0].Nic} needed the most register accesses per packet ({Fmt(counted[0].RegisterAccessesPerPacket)}), "
                    + string.Join(" and ", counted.Skip(1).Select(r => $"{r.Nic} {Fmt(r.RegisterAccessesPerPacket)}"))
                    + $"; interrupts per packet: {string.Join(", ", counted.Select(r => $"{r.Nic} {Fmt(r.InterruptsPerPacket)}"))}.");
            var e1000 = rows.FirstOrDefault(r => r.Direction == direction && r.Nic == "e1000");
            var rtl = rows.FirstOrDefault(r => r.Direction == direction && r.Nic == "rtl8139");
            if (e1000?.ThroughputMedian is { } a && rtl?.ThroughputMedian is { } b && a <= b)
                sentences.Add($"e1000 did not beat rtl8139 in {direction}: {Fmt(a, 3)} against {Fmt(b, 3)} Gbit/s (medians).");
        }
        var vcpu = rows.Where(r => r.VcpuCores is not null).Select(r => r.VcpuCores!.Value).ToList();
        var main = rows.Where(r => r.MainCores is not null).Select(r => r.MainCores!.Value).ToList();
        if (vcpu.Count > 0 && main.Count > 0)
            sentences.Add($"During the repeats QEMU's vCPU threads kept {Range(vcpu)} cores busy and its main loop thread {Range(main)}, depending on the model and direction.");
        return sentences;
    }

    private static string Range(List<double> values) =>
        values.Min().ToString("0.00", CultureInfo.InvariantCulture) + "–" + values.Max().ToString("0.00", CultureInfo.InvariantCulture);

    private static double? Median(IEnumerable<Record> records)
    {
        var values = records.Select(r => r.Value!.Value).ToList();
        return values.Count == 0 ? null : SampleStatistics.From(values).Median;
    }
}
