using VirtLab.Records;
using VirtLab.Stats;

namespace VirtLab.Report;

/// <summary>
/// Migration records grouped by scenario and workload into <see cref="ScenarioDistribution"/>s.
/// Fault scenarios are left out: their figures describe an injected failure, not a migration's
/// cost. A migration whose guest failed its integrity check (labels.integrity = failed) is counted
/// as a failure and its figures are not used.
/// </summary>
public static class ScenarioDistributions
{
    public static List<ScenarioDistribution> From(IEnumerable<Record> records)
    {
        var all = records.ToList();
        static (string Scenario, string Workload) KeyOf(Record r) => (r.Label("scenario") ?? "", r.Label("workload") ?? "");
        var workloads = all.Where(r => r.Label("kind") == "workload").ToLookup(KeyOf);
        return all.Where(r => r.Label("kind") == "migration" && !r.IsUnavailable && string.IsNullOrEmpty(r.Label("fault")))
            .GroupBy(KeyOf)
            .Select(g => Build(g.Key.Scenario, g.Key.Workload, g.ToList(), workloads[g.Key].ToList()))
            .ToList();
    }

    private static ScenarioDistribution Build(string scenario, string workload, List<Record> migration, List<Record> workloadRecords)
    {
        var byMigration = migration.GroupBy(r => r.Label("migration") ?? "").ToList();
        var failed = byMigration.Where(m => m.Any(r => r.Label("integrity") == "failed")).Select(m => m.Key).ToHashSet();
        bool Valid(Record r) => !failed.Contains(r.Label("migration") ?? "") && r.Label("integrity") != "failed";

        SampleDistribution? Of(IEnumerable<Record> source, string metric)
        {
            var values = source.Where(r => r.Metric == metric && r.Value is { } v && double.IsFinite(v) && Valid(r)).Select(r => r.Value!.Value).ToList();
            return values.Count == 0 ? null : SampleDistribution.Of(values);
        }

        return new ScenarioDistribution(scenario, workload, byMigration.Count, Proportion.Of(failed.Count, byMigration.Count),
            Of(migration, "migration_downtime"), Of(migration, "network_downtime"), Of(migration, "migration_total_time"),
            Of(workloadRecords, "during_over_baseline"));
    }
}
