using VirtLab.Records;
using VirtLab.Stats;

namespace VirtLab.Report;

/// <summary>
/// The model behind virtio-vs-e1000's summary.md: per direction, per NIC model, the median TCP
/// throughput over repeats, its ratio to virtio-net and its retransmissions;
/// and the round-trip latency when the run measured it (null for runs from before).
/// </summary>
public sealed record IperfSummary(string Experiment, string Profile, DateTime Generated, IReadOnlyList<DirectionSummary> Directions,
    NicRow? Loopback, IReadOnlyDictionary<string, string> Environment, LatencySummary? Latency = null)
{
    public static readonly string[] NicOrder = ["virtio-net-pci", "e1000", "rtl8139"];
    public const string Virtio = "virtio-net-pci";

    public static IperfSummary From(string experiment, string profile, IReadOnlyList<Record> all)
    {
        // sockperf's latency records share the file; they are summarized on their own (Latency).
        var records = all.Where(r => !LatencySummary.IsLatency(r)).ToList();
        var throughput = records.Where(r => r.Metric == "throughput" && r.Value is not null && !r.IsUnavailable).ToList();
        var directions = throughput.Select(r => r.Label("direction") ?? "").Where(d => d.Length > 0 && d != "host").Distinct().Order()
            .Select(d => Summarize(d, records)).ToList();
        var loopback = Row("loopback", records.Where(r => r.Label("nic") == "loopback").ToList(), null);
        var environment = new SortedDictionary<string, string>();
        foreach (var key in new[] { "host_fingerprint", "qemu_version", "tool", "tool_version", "guest_kernel", "guest_memory_mib", "guest_vcpus", "duration_seconds", "streams", "window" })
        {
            var value = records.Select(r => r.Label(key)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
            if (value is not null) environment[key] = value;
        }
        // The guests' accelerator (KVM where the probe booted one, else TCG; the loopback reference has none).
        var accels = records.Where(r => r.Label("nic") is { } nic && nic != "loopback" && !r.IsUnavailable).Select(r => r.Label("accel")).OfType<string>().Distinct().Order().ToList();
        environment["accel"] = accels.Count == 0 ? "tcg" : string.Join(", ", accels);
        return new IperfSummary(experiment, profile, DateTime.UtcNow, directions, loopback, environment, LatencySummary.From(all));
    }

    private static DirectionSummary Summarize(string direction, IReadOnlyList<Record> records)
    {
        var inDirection = records.Where(r => r.Label("direction") == direction).ToList();
        var nics = inDirection.Select(r => r.Label("nic") ?? "").Distinct()
            .OrderBy(n => Array.IndexOf(NicOrder, n) is var i && i < 0 ? int.MaxValue : i).ToList();
        var virtio = Median(inDirection, Virtio, "throughput");
        var rows = nics.Select(n => Row(n, inDirection, virtio)).OfType<NicRow>().ToList();
        return new DirectionSummary(direction, rows);
    }

    private static NicRow? Row(string nic, IReadOnlyList<Record> records, double? virtio)
    {
        var values = Values(records, nic, "throughput");
        if (values.Count == 0) return null;
        var s = SampleStatistics.From(values);
        return new NicRow(nic, s.Count, s.Median, s.Min, s.Max, s.ConfidenceLow95, s.ConfidenceHigh95, s.IsNoisy(), s.RelativeSpread,
            virtio is > 0 ? s.Median / virtio : null, Median(records, nic, "retransmits"),
            values, records.Count(r => r.Label("nic") == nic && r.Metric == "throughput" && r.Label("noisy") == "true"));
    }

    private static double? Median(IReadOnlyList<Record> records, string nic, string metric)
    {
        var values = Values(records, nic, metric);
        return values.Count == 0 ? null : SampleStatistics.From(values).Median;
    }

    private static List<double> Values(IReadOnlyList<Record> records, string nic, string metric) =>
        records.Where(r => r.Label("nic") == nic && r.Metric == metric && r.Value is not null && !r.IsUnavailable).Select(r => r.Value!.Value).ToList();
}
