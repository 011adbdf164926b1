using VirtLab.Records;

namespace VirtLab.Sockperf;

/// <summary>
/// Turns one parsed sockperf ping-pong run into the tcp_rr_* records. Values stay as printed: round
/// trips in µs when labels.latency is "round-trip", sockperf's halved round trips when "one-way".
/// </summary>
public static class SockperfRecords
{
    public const string RoundTrip = "round-trip";
    public const string OneWay = "one-way";

    public static IEnumerable<Record> From(SockperfResult r, IDictionary<string, string> labels, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(r);
        var all = new SortedDictionary<string, string>(labels)
        {
            ["tool"] = "sockperf",
            ["tool_version"] = r.ToolVersion,
            ["latency"] = r.RoundTrip ? RoundTrip : OneWay,
        };
        Record Make(string metric, double value, string unit) => new(metric, value, unit, all, time);

        return
        [
            Make("tcp_rr_latency_p50", r.P50Us, "us"),
            Make("tcp_rr_latency_p99", r.P99Us, "us"),
            Make("tcp_rr_latency_p999", r.P999Us, "us"),
            Make("tcp_rr_latency_avg", r.AverageUs, "us"),
            Make("tcp_rr_latency_min", r.MinUs, "us"),
            Make("tcp_rr_latency_max", r.MaxUs, "us"),
            Make("tcp_rr_observations", r.Observations, "count"),
        ];
    }
}
