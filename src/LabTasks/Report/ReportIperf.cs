using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>
/// Question C's model: the virtio-vs-e1000 records summarized per NIC model and direction — iperf's
/// throughput via <see cref="IperfSummary"/>, sockperf's round-trip latency via <see cref="ReportLatency"/>,
/// what each NIC model cost QEMU via <see cref="DeviceCost"/>.
/// </summary>
public static class ReportIperf
{
    public const string Experiment = "virtio-vs-e1000";
    public const string Loopback = "loopback";

    public static readonly string[] DirectionOrder = ["guest-to-host", "host-to-guest", "host"];

    public static QuestionC Build(ExperimentRecords measured, RecordsSource? source, IReadOnlyList<Record> imported, string profileArgument)
    {
        // The experiment's records file holds sockperf's latency records too; they have their own model.
        var records = measured.Records.Where(r => !LatencySummary.IsLatency(r)).ToList();
        var rows = Rows(records, machine: null);
        var loopback = rows.FirstOrDefault(r => r.Nic == Loopback);
        var nicRows = rows.Where(r => r.Nic != Loopback).ToList();
        string? Label(string key) => records.Select(r => r.Label(key)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return new QuestionC(
            Measured: nicRows.Any(r => r.Measured),
            Source: source,
            MeasureCommand: $"dotnet build experiments/{Experiment}.proj{profileArgument}",
            Rows: nicRows,
            Imported: imported.Where(IsIperf).GroupBy(r => r.Label("machine") ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => Rows(g.ToList(), g.Key)).ToList(),
            Loopback: loopback,
            Comparisons: Compare(nicRows),
            Tool: Label("tool"),
            ToolVersion: Label("tool_version"),
            DurationSeconds: Label("duration_seconds"),
            Accel: records.Where(r => r.Label("nic") != Loopback).Select(r => r.Label("accel")).FirstOrDefault(v => !string.IsNullOrEmpty(v)),
            Latency: ReportLatency.Build(measured.Records, profileArgument),
            DeviceCost: DeviceCost.From(records, nicRows));
    }

    public static bool IsIperf(Record r) => r.Label("tool") is "iperf2" or "iperf3" || r.Metric == "throughput";

    /// <summary>Every (NIC, direction) of the records: measured ones from IperfSummary, then unavailable ones.</summary>
    public static List<IperfRow> Rows(IReadOnlyList<Record> records, string? machine)
    {
        var summary = IperfSummary.From(Experiment, "", records);
        var rows = new List<IperfRow>();
        foreach (var d in summary.Directions)
            rows.AddRange(d.Rows.Select(r => ToRow(r, d.Direction, machine)));
        if (summary.Loopback is { } lo)
            rows.Add(ToRow(lo, records.FirstOrDefault(r => r.Label("nic") == Loopback)?.Label("direction") ?? "host", machine));
        foreach (var u in records.Where(r => r.IsUnavailable).GroupBy(r => (Nic: r.Label("nic") ?? "?", Direction: r.Label("direction") ?? "?")))
        {
            if (rows.Any(r => r.Nic == u.Key.Nic && r.Direction == u.Key.Direction)) continue;
            rows.Add(new IperfRow(u.Key.Nic, u.Key.Direction, "unavailable", u.First().Label("reason") ?? "no reason recorded",
                0, null, null, null, false, null, null, null, machine));
        }
        return rows.OrderBy(r => Order(IperfSummary.NicOrder, r.Nic)).ThenBy(r => r.Nic == Loopback).ThenBy(r => Order(DirectionOrder, r.Direction)).ToList();
    }

    private static IperfRow ToRow(NicRow r, string direction, string? machine) => new(
        r.Nic, direction, "measured", null, r.Count, r.Median, r.Min, r.Max, r.Noisy, r.RelativeSpread,
        r.RetransmitsMedian, r.ToVirtio, machine, r.Values, r.NoisyRepeats);

    /// <summary>virtio-net against each emulated model, per direction, where both were measured.</summary>
    public static List<NicComparison> Compare(IReadOnlyList<IperfRow> rows)
    {
        var comparisons = new List<NicComparison>();
        foreach (var virtio in rows.Where(r => r.IsVirtio && r.Median is > 0))
        foreach (var other in rows.Where(r => !r.IsVirtio && r.Nic != Loopback && r.Direction == virtio.Direction && r.Median is > 0))
        {
            comparisons.Add(new NicComparison(virtio.Direction, other.Nic, virtio.Median!.Value, other.Median!.Value,
                virtio.Median.Value / other.Median.Value));
        }
        return comparisons;
    }

    private static int Order(string[] order, string value) => Array.IndexOf(order, value) is var i && i >= 0 ? i : order.Length;
}
