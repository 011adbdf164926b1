using VirtLab.Records;
using VirtLab.Stats;

namespace VirtLab.Report;

/// <summary>
/// The model behind an experiment's summary.md: per workload, per accelerator, the median and
/// spread of the headline metric over repeats and its ratio to the host. Ratios are computed here
/// from records, never typed into templates.
/// </summary>
public sealed record SysbenchSummary(string Experiment, string Profile, DateTime Generated, IReadOnlyList<WorkloadSummary> Workloads,
    IReadOnlyDictionary<string, string> Environment)
{
    public static readonly string[] AccelOrder = ["host", "kvm", "tcg"];

    public static SysbenchSummary From(string experiment, string profile, IReadOnlyList<Record> records)
    {
        var workloads = records.Select(r => r.Label("workload") ?? "").Where(w => w.Length > 0).Distinct().OrderBy(w => w == "memory" ? 1 : 0).ToList();
        var summaries = workloads.Select(w => Summarize(w, records.Where(r => r.Label("workload") == w).ToList())).ToList();
        var environment = new SortedDictionary<string, string>();
        foreach (var key in new[] { "host_fingerprint", "qemu_version", "tool_version", "guest_kernel", "guest_memory_mib", "guest_vcpus", "threads" })
        {
            var value = records.Select(r => r.Label(key)).FirstOrDefault(v => v is not null);
            if (value is not null) environment[key] = value;
        }
        return new SysbenchSummary(experiment, profile, DateTime.UtcNow, summaries, environment);
    }

    private static WorkloadSummary Summarize(string workload, List<Record> records)
    {
        var metric = SysbenchRecords.HeadlineMetric(workload);
        var unit = records.FirstOrDefault(r => r.Metric == metric)?.Unit ?? "";
        var accels = records.Select(r => r.Label("accel") ?? "").Distinct()
            .OrderBy(a => Array.IndexOf(AccelOrder, a) is var i && i < 0 ? int.MaxValue : i).ToList();

        double? MedianOf(string accel, string m)
        {
            var values = Values(records, accel, m);
            return values.Count == 0 ? null : SampleStatistics.From(values).Median;
        }

        var hostMedian = MedianOf("host", metric);
        var rows = accels.Select(accel =>
        {
            var unavailable = records.FirstOrDefault(r => r.Label("accel") == accel && r.IsUnavailable);
            var values = Values(records, accel, metric);
            if (unavailable is not null || values.Count == 0)
                return new AccelRow(accel, "unavailable", unavailable?.Label("reason") ?? "no records", unit, 0,
                    null, null, null, null, null, false, null, null, null, null, null, null);
            var s = SampleStatistics.From(values);
            return new AccelRow(accel, "measured", null, unit, s.Count, s.Median, s.Min, s.Max, s.ConfidenceLow95, s.ConfidenceHigh95,
                s.IsNoisy(), s.RelativeSpread, MedianOf(accel, "total_time"), MedianOf(accel, "latency_avg"), MedianOf(accel, "latency_p95"),
                hostMedian is > 0 ? s.Median / hostMedian : null,
                hostMedian is > 0 && s.Median > 0 ? hostMedian / s.Median : null,
                values, NoisyRepeats(records, accel, metric));
        }).ToList();
        return new WorkloadSummary(workload, metric, unit, rows);
    }

    /// <summary>Repeats that ran while the host was busy with something else (labels.noisy, see NoiseProbe).</summary>
    private static int NoisyRepeats(List<Record> records, string accel, string metric) =>
        records.Count(r => r.Label("accel") == accel && r.Metric == metric && r.Label("noisy") == "true");

    private static List<double> Values(List<Record> records, string accel, string metric) =>
        records.Where(r => r.Label("accel") == accel && r.Metric == metric && !r.IsUnavailable && r.Value is not null)
               .Select(r => r.Value!.Value).ToList();
}
