using VirtLab.Records;
using VirtLab.Stats;

namespace VirtLab.Report;

/// <summary>
/// A latency measurement summarized per NIC model and direction. The records of one measurement
/// share a metric family: "&lt;family&gt;_latency_p50", "_p99", "_p999", "_avg", "_min", "_max" and
/// "&lt;family&gt;_observations" (sockperf's TCP ping-pong is "tcp_rr"), so another request/response
/// measurement is summarized, tabled and charted by naming its family.
/// </summary>
public sealed record LatencySummary(string Family, string Unit, IReadOnlyList<LatencyCell> Cells, IReadOnlyDictionary<string, string> Parameters)
{
    public const string TcpRequestResponse = "tcp_rr";

    public IReadOnlyList<LatencyCell> NicCells => Cells.Where(c => !c.IsLoopback).ToList();
    public LatencyCell? Loopback => Cells.FirstOrDefault(c => c.IsLoopback && c.Measured);
    public bool Measured => NicCells.Any(c => c.Measured);
    public int Repeats => Cells.Where(c => c.Measured).Select(c => c.Repeats).DefaultIfEmpty(0).Max();

    /// <summary>The family's records of one experiment; null when there are none (a run from before the measurement existed).</summary>
    public static LatencySummary? From(IReadOnlyList<Record> records, string family = TcpRequestResponse)
    {
        var mine = records.Where(r => IsOf(r, family)).ToList();
        if (mine.Count == 0) return null;
        var cells = mine.GroupBy(r => (Nic: r.Label("nic") ?? "?", Direction: r.Label("direction") ?? "?"))
            .Select(g => Cell(g.Key.Nic, g.Key.Direction, g.ToList(), family))
            .OrderBy(c => Order(IperfSummary.NicOrder, c.Nic)).ThenBy(c => c.IsLoopback).ThenBy(c => Order(ReportIperf.DirectionOrder, c.Direction))
            .ToList();
        cells = cells.Select(c => WithRatios(c, cells)).ToList();
        var parameters = new SortedDictionary<string, string>();
        foreach (var key in new[] { "tool", "tool_version", "latency", "message_size", "duration_seconds" })
            if (mine.Select(r => r.Label(key)).FirstOrDefault(v => !string.IsNullOrEmpty(v)) is { } value) parameters[key] = value;
        if (mine.Where(r => r.Label("nic") != ReportIperf.Loopback).Select(r => r.Label("accel")).FirstOrDefault(v => !string.IsNullOrEmpty(v)) is { } accel)
            parameters["accel"] = accel;
        var unit = mine.FirstOrDefault(r => r.Metric == Metric(family, "p50") && !r.IsUnavailable)?.Unit ?? "us";
        return new LatencySummary(family, unit, cells, parameters);
    }

    public static string Metric(string family, string statistic) => $"{family}_latency_{statistic}";

    public static bool IsOf(Record r, string family) =>
        r.Metric.StartsWith(family + "_latency_", StringComparison.Ordinal) || r.Metric == family + "_observations";

    /// <summary>A record of any request/response latency family: what the throughput summaries leave out.</summary>
    public static bool IsLatency(Record r) =>
        r.Metric.Contains("_latency_", StringComparison.Ordinal) || r.Metric.EndsWith("_observations", StringComparison.Ordinal);

    public string? Parameter(string key) => Parameters.GetValueOrDefault(key);
    public string? Accel => Parameter("accel");
    public string? Tool => Parameter("tool");
    public string? ToolVersion => Parameter("tool_version");
    public string? MessageSize => Parameter("message_size");
    public string? DurationSeconds => Parameter("duration_seconds");

    private static LatencyCell Cell(string nic, string direction, IReadOnlyList<Record> records, string family)
    {
        double? Median(string metric) =>
            records.Where(r => r.Metric == metric && r.Value is not null && !r.IsUnavailable).Select(r => r.Value!.Value).ToList() is { Count: > 0 } v
                ? SampleStatistics.From(v).Median : null;
        var p50 = records.Where(r => r.Metric == Metric(family, "p50") && r.Value is not null && !r.IsUnavailable).Select(r => r.Value!.Value).ToList();
        if (p50.Count == 0)
        {
            var reason = records.FirstOrDefault(r => r.IsUnavailable)?.Label("reason") ?? "no p50 record";
            return new LatencyCell(nic, direction, "unavailable", reason, 0, null, null, null, null, null, null, null, null, null);
        }
        var s = SampleStatistics.From(p50);
        return new LatencyCell(nic, direction, "measured", null, s.Count, s.Median,
            Median(Metric(family, "p99")), Median(Metric(family, "p999")), Median(Metric(family, "avg")),
            Median(Metric(family, "min")), Median(Metric(family, "max")), s.Min, s.Max, Median(family + "_observations"));
    }

    private static LatencyCell WithRatios(LatencyCell cell, IReadOnlyList<LatencyCell> cells)
    {
        var virtio = cells.FirstOrDefault(c => c.IsVirtio && c.Direction == cell.Direction && c.Measured);
        if (virtio is null || !cell.Measured || cell.IsLoopback) return cell;
        static double? Ratio(double? a, double? b) => a is { } x && b is > 0 ? x / b : null;
        return cell with { P50ToVirtio = Ratio(cell.P50, virtio.P50), P99ToVirtio = Ratio(cell.P99, virtio.P99), P999ToVirtio = Ratio(cell.P999, virtio.P999) };
    }

    private static int Order(string[] order, string value) => Array.IndexOf(order, value) is var i && i >= 0 ? i : order.Length;
}
