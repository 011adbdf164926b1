using VirtLab.Migration;
using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>
/// One migration between two machines (experiments/two-hosts.proj): from which host to which, what
/// QEMU and the observer host saw of the pause, the network's evidence on the LAN (RARP at the
/// observer, the FDB of the guest's new host), and how far the hosts' clocks are known, which bounds
/// how far their events may sit off the one timeline.
/// </summary>
public sealed record TwoHostsRow(string Scenario, string Index, string Workload, string SourceHost, string DestinationHost, string Observer, string Outcome, string Integrity,
    double? DowntimeMs, double? NetworkDowntimeMs, double? RarpFrames, bool? FdbMoved, bool? StreamKept, string ClockUncertaintyMs, string? Fault)
{
    public static List<TwoHostsRow> From(IReadOnlyList<Record> records) =>
        records.Where(r => r.Label("kind") == MigrationRecords.KindMigration && r.Label("migration") is not null && r.Label("source_host") is not null)
            .GroupBy(r => (Scenario: r.Label("scenario") ?? "?", Index: r.Label("migration")!))
            .Select(g =>
            {
                var list = g.ToList();
                var first = list[0];
                double? Fig(string metric) => list.FirstOrDefault(r => r.Metric == metric)?.Value;
                bool? Flag(string metric) => Fig(metric) is { } v ? v > 0 : null;
                return new TwoHostsRow(g.Key.Scenario, g.Key.Index, first.Label("workload") ?? "?", first.Label("source_host")!, first.Label("destination_host") ?? "?",
                    first.Label("observer_host") ?? "?", first.Label("outcome") ?? "?", first.Label("integrity") ?? "?", Fig("migration_downtime"), Fig("network_downtime"),
                    Fig("announce_rarp_frames"), Flag("fdb_moved"), Flag("stream_kept"), first.Label("clock_uncertainty_ms") ?? "?", first.Label("fault"));
            })
            .OrderBy(r => r.Scenario, StringComparer.Ordinal).ThenBy(r => int.TryParse(r.Index, out var i) ? i : 0).ToList();
}
