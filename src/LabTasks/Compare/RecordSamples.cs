using VirtLab.Records;

namespace VirtLab.Compare;

/// <summary>
/// Records grouped into samples a comparison can set side by side: the repeats of one metric under
/// one condition. The condition is every label except those that differ from repeat to repeat
/// (repeat, migration, raw file, outcome …) or that describe the machine and build rather than the
/// experiment (host fingerprint, QEMU and tool versions, profile) — the very things a comparison
/// across runs, machines or QEMU builds sets against each other. Unavailable records, time series
/// and events (labels kind=series/event, per-interval records) are left out, and so are repeats the
/// noise probe labelled noisy (the host was busy: another QEMU, a foreign process), as adaptive
/// repeats leave them out.
/// </summary>
public static class RecordSamples
{
    private static readonly HashSet<string> NotCondition = new(StringComparer.Ordinal)
    {
        "repeat", "migration", "raw", "integrity", "outcome", "status", "reason", "detail", "fdb_before", "fdb_after",
        "host_fingerprint", "qemu_version", "qemu_build", "tool_version", "guest_kernel", "profile", "window_actual_bytes",
        "noisy", "noise", "host_busy_pct", "host_steal_pct", "warmup", "interrupted", "suspended", "runs", "stop_reason", "source", "file",
        "guest_outcome", "source_statuses", "destination_statuses", "migrations", "time_order",
        "host_virt", "host_virt_evidence", "host_cores", "t",
    };

    private static readonly HashSet<string> PerSampleOnly = new(StringComparer.Ordinal) { "t", "interval_start", "interval_end", "event" };

    public static Dictionary<SampleKey, List<double>> From(IEnumerable<Record> records) => From(records, out _);

    public static Dictionary<SampleKey, List<double>> From(IEnumerable<Record> records, out int noisyLeftOut)
    {
        noisyLeftOut = 0;
        var samples = new Dictionary<SampleKey, List<double>>();
        foreach (var r in records)
        {
            if (r.IsUnavailable || r.Value is not { } value || !double.IsFinite(value)) continue;
            // A migration's figure may carry the moment it happened (network_downtime's t): that is not a time series.
            if (r.Label("kind") is "series" or "event" || r.Labels.Keys.Any(k => PerSampleOnly.Contains(k) && !(k == "t" && r.Label("kind") == "migration"))) continue;
            if (r.Label("warmup") == "true") continue;
            if (MetricDirections.For(r.Metric, r.Unit) is null) continue;
            if (r.Label("noisy") == "true") { noisyLeftOut++; continue; }
            var condition = string.Join(' ', r.Labels.Where(l => !NotCondition.Contains(l.Key) && l.Key != "experiment").Select(l => $"{l.Key}={l.Value}"));
            var key = new SampleKey(r.Label("experiment") ?? "", r.Metric, r.Unit, condition);
            if (!samples.TryGetValue(key, out var values)) samples[key] = values = [];
            values.Add(value);
        }
        return samples;
    }
}
