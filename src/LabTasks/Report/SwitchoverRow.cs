using System.Globalization;
using VirtLab.Migration;
using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>
/// One cell and workload of experiments/switchover.proj (or any migration experiment): how often its
/// completed pre-copy migrations paused the guest longer than the downtime limit, the median step by
/// step of its switch-overs, and where the longest one's time went.
/// </summary>
public sealed record SwitchoverRow(string Cell, string Workload, string QemuVersion, int Migrations, int OverLimit,
    double? MedianDowntimeMs, double? MaxDowntimeMs, double? MedianTotalMs, string MedianSteps, string? Longest)
{
    public static List<SwitchoverRow> From(IReadOnlyList<Record> records)
    {
        var cellOf = MigrationSummary.CellNames(records);
        var migrations = records
            .Where(r => r.Label("kind") == MigrationRecords.KindMigration && r.Label("migration") is not null && r.Label("outcome") == "completed")
            .GroupBy(r => (Cell: cellOf(r), Workload: r.Label("workload") ?? "?", Index: r.Label("migration")!))
            .Select(g => Migration(g.Key.Cell, g.Key.Workload, g.ToList()))
            .Where(m => m.Steps.Count > 0)
            .ToList();
        return migrations.GroupBy(m => (m.Cell, m.Workload)).Select(g =>
            {
                var list = g.ToList();
                var downtimes = list.Select(m => m.DowntimeMs).OfType<double>().ToList();
                var steps = list.SelectMany(m => m.Steps).GroupBy(s => s.Name)
                    .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {Median(s.Select(x => x.Milliseconds))!:0.#}"));
                var longest = list.MaxBy(m => m.Steps.Sum(s => s.Milliseconds))!;
                return new SwitchoverRow(g.Key.Cell, g.Key.Workload, list[0].QemuVersion, list.Count,
                    list.Count(m => m.DowntimeMs > m.LimitMs), Median(downtimes), downtimes.Count > 0 ? downtimes.Max() : null,
                    Median(list.Select(m => m.Steps.Sum(s => s.Milliseconds))), string.Join(" · ", steps),
                    SwitchoverStep.Summary(longest.Steps, longest.PendingMib));
            })
            .OrderBy(r => r.Cell, StringComparer.Ordinal).ThenBy(r => r.Workload, StringComparer.Ordinal).ToList();
    }

    private sealed record Switchover(string Cell, string Workload, string QemuVersion, double? DowntimeMs, double? LimitMs, double? PendingMib, IReadOnlyList<SwitchoverStep> Steps);

    private static Switchover Migration(string cell, string workload, List<Record> list)
    {
        double? Fig(string metric) => list.FirstOrDefault(r => r.Metric == metric)?.Value;
        var steps = MigrationRecords.SwitchoverSteps(list);
        var limit = double.TryParse(list[0].Label("downtime_limit_ms"), NumberStyles.Float, CultureInfo.InvariantCulture, out var l) ? l : (double?)null;
        return new Switchover(cell, workload, list[0].Label("qemu_version") ?? "—", Fig("migration_downtime"), limit, Fig("switchover_pending"), steps);
    }

    private static double? Median(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? null : Stats.SampleStatistics.From(list).Median;
    }
}
