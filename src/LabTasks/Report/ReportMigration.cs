using System.Text.RegularExpressions;
using VirtLab.Records;
using VirtLab.Stats;

namespace VirtLab.Report;

/// <summary>
/// Questions D and F's model: the live-migration records as a generic table, one row per metric and
/// condition. The condition is the set of labels that vary between that metric's records (phase,
/// workload, settings …), so the table follows whatever the experiment records without knowing it.
/// </summary>
public static partial class ReportMigration
{
    public const string Experiment = "live-migration";

    /// <summary>Labels that identify a sample or a run, not a condition worth a column.</summary>
    private static readonly HashSet<string> NotConditions = ["repeat", "raw", "host_fingerprint", "profile", "experiment", "status", "reason"];

    [GeneratedRegex("downtime|ping|loss|lost|fdb|announce|rarp|garp|reconnect|throughput|interval", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NetworkMetric();

    public static MigrationSection Build(ExperimentRecords measured, RecordsSource? source, string profileArgument)
    {
        // One row per figure (a migration's or a workload's result); series points and events stay in the records.
        var rows = Rows(measured.Records.Where(Migration.MigrationRecords.IsFigure).ToList());
        return new MigrationSection(
            Measured: rows.Count > 0,
            Source: source,
            MeasureCommand: $"dotnet build experiments/{Experiment}.proj{profileArgument}",
            Rows: rows,
            NetworkEvidence: rows.Where(r => NetworkMetric().IsMatch(r.Metric)).ToList(),
            Unavailable: measured.Records.Where(r => r.IsUnavailable)
                .Select(r => new UnavailableRow(r.Metric, Condition(r, VaryingLabels(measured.Records.Where(x => x.Metric == r.Metric).ToList())), r.Label("reason") ?? "no reason recorded"))
                .Distinct().ToList(),
            Timelines: MigrationTimeline.From(measured.Records),
            Faults: FaultMatrix.From(measured.Records),
            Distributions: ScenarioDistributions.From(measured.Records),
            Summary: rows.Count > 0 ? MigrationSummary.From(Experiment, "", measured.Records) : null);
    }

    public static List<MetricRow> Rows(IReadOnlyList<Record> records)
    {
        var rows = new List<MetricRow>();
        foreach (var metric in records.Where(r => !r.IsUnavailable && r.Value is not null).GroupBy(r => r.Metric))
        {
            var list = metric.ToList();
            var varying = VaryingLabels(list);
            foreach (var condition in list.GroupBy(r => Condition(r, varying)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var s = SampleStatistics.From(condition.Select(r => r.Value!.Value));
                rows.Add(new MetricRow(metric.Key, condition.Key, condition.First().Unit, s.Count, s.Median, s.Min, s.Max));
            }
        }
        return rows;
    }

    public static List<string> VaryingLabels(IReadOnlyList<Record> records) =>
        records.SelectMany(r => r.Labels.Keys).Distinct().Where(k => !NotConditions.Contains(k))
            .Where(k => records.Select(r => r.Label(k) ?? "").Distinct().Count() > 1).Order(StringComparer.Ordinal).ToList();

    public static string Condition(Record r, IReadOnlyList<string> varying)
    {
        var parts = varying.Select(k => r.Label(k) is { } v ? $"{k}={v}" : null).OfType<string>().ToList();
        return parts.Count == 0 ? "—" : string.Join(", ", parts);
    }
}
