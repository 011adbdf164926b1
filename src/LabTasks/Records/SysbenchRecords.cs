using System.Globalization;
using VirtLab.Sysbench;

namespace VirtLab.Records;

/// <summary>Turns one parsed sysbench run into records: one per metric it printed.</summary>
public static class SysbenchRecords
{
    /// <summary>The metric a summary compares for each workload (higher is better for both).</summary>
    public static string HeadlineMetric(string workload) => workload == "memory" ? "transfer_rate" : "events_per_second";

    public static IEnumerable<Record> From(SysbenchResult r, SortedDictionary<string, string> labels, DateTimeOffset time)
    {
        labels = new SortedDictionary<string, string>(labels)
        {
            ["tool"] = "sysbench",
            ["tool_version"] = r.ToolVersion,
            ["threads"] = r.Threads.ToString(CultureInfo.InvariantCulture),
        };
        Record Make(string metric, double? value, string unit) => new(metric, value, unit, labels, time);

        var records = new List<Record>
        {
            Make("total_time", r.TotalTimeSeconds, "s"),
            Make("events", r.TotalEvents, "count"),
            Make("events_per_second", r.EventsPerSecond, "events/s"),
        };
        if (r.LatencyMinMs is { } min) records.Add(Make("latency_min", min, "ms"));
        if (r.LatencyAvgMs is { } avg) records.Add(Make("latency_avg", avg, "ms"));
        if (r.LatencyMaxMs is { } max) records.Add(Make("latency_max", max, "ms"));
        if (r.Latency95thMs is { } p95) records.Add(Make("latency_p95", p95, "ms"));
        if (r.MiBPerSecond is { } rate) records.Add(Make("transfer_rate", rate, "MiB/s"));
        if (r.OperationsPerSecond is { } ops) records.Add(Make("operations_per_second", ops, "ops/s"));
        return records;
    }
}
