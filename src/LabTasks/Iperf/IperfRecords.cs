using System.Globalization;

namespace VirtLab.Iperf;

/// <summary>Turns one parsed iperf run (and the QEMU CPU time it cost) into records.</summary>
public static class IperfRecords
{
    public static IEnumerable<Records.Record> From(IperfResult r, double? qemuCpuSeconds, SortedDictionary<string, string> labels, DateTimeOffset time)
    {
        labels = new SortedDictionary<string, string>(labels) { ["tool"] = r.Tool };
        if (r.ToolVersion is not null) labels["tool_version"] = r.ToolVersion;
        if (r.Summary.TcpWindowActualBytes is { } actual) labels["window_actual_bytes"] = actual.ToString(CultureInfo.InvariantCulture);
        if (r.Summary.TcpWindowRequestedBytes is { } requested) labels["window_requested_bytes"] = requested.ToString(CultureInfo.InvariantCulture);
        Records.Record Make(string metric, double value, string unit, SortedDictionary<string, string>? with = null) => new(metric, value, unit, with ?? labels, time);

        var gbit = r.Summary.Bytes * 8 / 1e9;
        var records = new List<Records.Record>
        {
            Make("throughput", r.Summary.BitsPerSecond / 1e9, "Gbit/s"),
            Make("bytes", r.Summary.Bytes, "bytes"),
        };
        if (r.Summary.Retransmits is { } retransmits) records.Add(Make("retransmits", retransmits, "count"));
        if (qemuCpuSeconds is { } cpu)
        {
            records.Add(Make("qemu_cpu_seconds", cpu, "s"));
            if (gbit > 0) records.Add(Make("qemu_cpu_seconds_per_gbit", cpu / gbit, "s/Gbit"));
        }
        foreach (var interval in r.AggregateIntervals)
        {
            var at = new SortedDictionary<string, string>(labels)
            {
                ["interval_start"] = interval.StartSeconds.ToString("0.###", CultureInfo.InvariantCulture),
                ["interval_end"] = interval.EndSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            };
            records.Add(Make("interval_throughput", interval.BitsPerSecond / 1e9, "Gbit/s", at));
        }
        return records;
    }
}
