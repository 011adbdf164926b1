using VirtLab.Stats;

namespace VirtLab.Compare;

/// <summary>
/// Which way each metric improves, from its unit (rates up, times and sizes down) with the
/// exceptions named; null for what is not a performance figure (counts of frames sent, moments on
/// a timeline), which a comparison leaves out.
/// </summary>
public static class MetricDirections
{
    private static readonly HashSet<string> NotCompared = new(StringComparer.Ordinal)
    {
        "events", "bytes", "ping_sent", "announce_rarp_frames", "announce_garp_frames", "tcp_rr_observations",
        "migration_source_stopped_at", "migration_destination_resumed_at", "migration_dirty_sync_count",
    };

    private static readonly HashSet<string> HigherUnits = new(StringComparer.Ordinal)
    {
        "events/s", "ops/s", "bogo ops/s", "MiB/s", "Gbit/s", "Mbit/s", "pages/s", "ratio",
    };

    private static readonly HashSet<string> LowerUnits = new(StringComparer.Ordinal)
    {
        "s", "ms", "us", "MiB", "s/Gbit", "count", "%",
    };

    public static MetricDirection? For(string metric, string unit)
    {
        if (NotCompared.Contains(metric)) return null;
        if (HigherUnits.Contains(unit)) return MetricDirection.HigherIsBetter;
        if (LowerUnits.Contains(unit)) return MetricDirection.LowerIsBetter;
        return null;
    }
}
