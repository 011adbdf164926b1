using System.Globalization;
using System.Text;
using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Report;

/// <summary>
/// Records as CSV (RFC 4180) for spreadsheets: time, metric, value, unit, then one column per
/// label key (sorted). An unavailable record has an empty value and its status/reason columns.
/// </summary>
public static class ReportCsv
{
    public static readonly string[] FixedColumns = ["time", "metric", "value", "unit"];

    public static string ToCsv(IReadOnlyList<Record> records)
    {
        var labels = records.SelectMany(r => r.Labels.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        AppendRow(sb, FixedColumns.Concat(labels));
        foreach (var r in records)
        {
            var fixedValues = new[]
            {
                r.Time.ToString("O", CultureInfo.InvariantCulture),
                r.Metric,
                r.Value?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                r.Unit,
            };
            AppendRow(sb, fixedValues.Concat(labels.Select(k => r.Label(k) ?? "")));
        }
        return sb.ToString();
    }

    /// <summary>Writes records.csv beside records.ndjson; returns the CSV's path.</summary>
    public static string Export(string ndjsonFile)
    {
        var csv = Path.ChangeExtension(ndjsonFile, ".csv");
        AtomicFile.WriteAllText(csv, ToCsv(RecordFile.Read(ndjsonFile)));
        return csv;
    }

    public static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static void AppendRow(StringBuilder sb, IEnumerable<string> fields) =>
        sb.Append(string.Join(',', fields.Select(Escape))).Append("\r\n");
}
