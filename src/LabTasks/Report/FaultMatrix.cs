using System.Globalization;
using VirtLab.Migration;
using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>The fault matrix of a live-migration run, from its records alone: one row per migration whose records carry labels.fault.</summary>
public static class FaultMatrix
{
    public static List<FaultRow> From(IReadOnlyList<Record> records) =>
        records.Where(r => r.Label("fault") is { Length: > 0 } && r.Label("kind") == MigrationRecords.KindMigration)
            .GroupBy(r => (Scenario: r.Label("scenario") ?? "", Index: int.TryParse(r.Label("migration"), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : 0))
            .Select(g =>
            {
                var first = g.First();
                double? Fig(string metric) => g.FirstOrDefault(r => r.Metric == metric)?.Value;
                return new FaultRow(g.Key.Scenario, g.Key.Index, first.Label("fault")!, first.Label("outcome") ?? "", first.Label("guest_outcome") ?? "",
                    first.Label("integrity") ?? "", first.Label("source_statuses") ?? "", first.Label("destination_statuses") ?? "", first.Label("reason"),
                    Fig("migration_fault_injected_at"), Fig("migration_paused_at"), Fig("migration_recovered_at"));
            })
            .OrderBy(f => Array.IndexOf(MigrationFault.Kinds, f.Fault)).ThenBy(f => f.Scenario, StringComparer.Ordinal).ThenBy(f => f.Index)
            .ToList();
}
