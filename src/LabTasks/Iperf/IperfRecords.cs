using System.Globalization;

namespace VirtLab.Iperf;

/// <summary>
/// Turns one parsed iperf run into records, with the QEMU process's CPU time during it and the cores
/// each of its thread roles kept busy (qemu_thread_cpu_cores, label thread_role).
/// </summary>
public static class IperfRecords
{
    public static IEnumerable<Records.Record> From(IperfResult r, double? qemuCpuSeconds, SortedDictionary<string, string> labels, DateTimeOffset time,
        IReadOnlyDictionary<string, double>? threadCores = null)
    {
        labels = new SortedDictionary<string, string>(labels) { ["tool"] = r.Tool };
        if (r.ToolVersion is not null) labels["tool_version"] = r.ToolVersion;
        if (r.Summary.TcpWindowActualBytes is { } actual) labels["window_actual_bytes"] = actual.ToString(CultureInfo.InvariantCulture);
        if (r.Summary.TcpWindowRequestedBytes is { } requested) labels["window_requested_bytes"] = requested.ToString(CultureInfo.InvariantCulture);
        Records.Record Make(string metric, double value, string unit, SortedDictionary<string, string>? with = null) => new(metric, value, unit, with ?? labels, time);

        var records = new List<Records.Record>
        {
            Make("throughput", r.Summary.BitsPerSecond / 1e9, "Gbit/s"),
            Make("bytes", r.Summary.Bytes, "bytes"),
        };
        if (r.Summary.Retransmits is { } retransmits) records.Add(Make("retransmits", retransmits, "count"));
        if (qemuCpuSeconds is { } cpu) records.Add(Make("qemu_cpu_seconds", cpu, "s"));
        foreach (var (role, cores) in threadCores ?? new Dictionary<string, double>())
            records.Add(Make("qemu_thread_cpu_cores", cores, "cores", new SortedDictionary<string, string>(labels) { ["thread_role"] = role }));
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
