using System.Globalization;
using System.Text.RegularExpressions;

namespace VirtLab.Tests;

/// <summary>
/// Reads the pipe tables of a rendered report and recomputes every derived column from the columns
/// it names: "A ÷ B" must equal column A over column B in the same row; "[p50 ]relative to R" must
/// equal the row's median (or p50 …) over row R's in the same direction. A "÷" header that names no
/// two columns must say it is a distribution of per-migration ratios. Returns one line per disagreement.
/// </summary>
public static partial class ReportTableCheck
{
    public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

    [GeneratedRegex(@"^(?<a>.+?) ÷ (?<b>.+)$")]
    private static partial Regex Quotient();

    [GeneratedRegex(@"^(?<prefix>p[\d.]+ )?relative to (?<row>[\w-]+)$")]
    private static partial Regex RelativeTo();

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex Number();

    public static List<Table> Tables(string markdown)
    {
        var tables = new List<Table>();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!lines[i].StartsWith('|') || !Regex.IsMatch(lines[i + 1], @"^\|(\s*:?-+:?\s*\|)+\s*$")) continue;
            var headers = Cells(lines[i]);
            var rows = new List<IReadOnlyList<string>>();
            var j = i + 2;
            for (; j < lines.Length && lines[j].StartsWith('|'); j++) rows.Add(Cells(lines[j]));
            tables.Add(new Table(headers, rows));
            i = j - 1;
        }
        return tables;
    }

    private static List<string> Cells(string line) =>
        line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();

    /// <summary>The first number in a cell ("**1.23** ⚠" → 1.23, "88.8 %" → 88.8), with its decimals; null for "n/a", "—", "".</summary>
    public static (double Value, int Decimals)? Parse(string cell)
    {
        var m = Number().Match(cell.Replace("**", "", StringComparison.Ordinal));
        if (!m.Success) return null;
        var dot = m.Value.IndexOf('.', StringComparison.Ordinal);
        return (double.Parse(m.Value, CultureInfo.InvariantCulture), dot < 0 ? 0 : m.Value.Length - dot - 1);
    }

    /// <summary>Every derived column this table has: (its index, a description) — also those it cannot check.</summary>
    public static List<string> Check(Table t, out int checkedCells)
    {
        var problems = new List<string>();
        checkedCells = 0;
        for (var c = 0; c < t.Headers.Count; c++)
        {
            var header = t.Headers[c];
            if (Quotient().Match(header) is { Success: true } q)
            {
                var a = t.Headers.ToList().IndexOf(q.Groups["a"].Value);
                var b = t.Headers.ToList().IndexOf(q.Groups["b"].Value);
                if (a < 0 || b < 0)
                {
                    if (!header.Contains("per-migration", StringComparison.Ordinal))
                        problems.Add($"'{header}' divides columns the table does not show and does not say what it is computed from");
                    continue;
                }
                foreach (var row in t.Rows)
                    if (Compare(row, c, a, row, b, header, problems)) checkedCells++;
            }
            else if (RelativeTo().Match(header) is { Success: true } r)
            {
                var prefix = r.Groups["prefix"].Value;
                var numerator = t.Headers.ToList().FindIndex(h => prefix.Length > 0 ? h.StartsWith(prefix, StringComparison.Ordinal) : h.StartsWith("median", StringComparison.Ordinal));
                var direction = t.Headers.ToList().IndexOf("direction");
                if (numerator < 0) { problems.Add($"'{header}': no column to divide"); continue; }
                foreach (var row in t.Rows)
                {
                    var reference = t.Rows.FirstOrDefault(o => o[0].StartsWith(r.Groups["row"].Value, StringComparison.Ordinal)
                                                               && (direction < 0 || o[direction] == row[direction]));
                    if (reference is null) continue;
                    if (Compare(row, c, numerator, reference, numerator, header, problems)) checkedCells++;
                }
            }
            else if (header.Contains(" / ", StringComparison.Ordinal) && Regex.IsMatch(header, "baseline|relative|ratio|during"))
                problems.Add($"'{header}' looks like a ratio but names no columns with ÷");
        }
        return problems;
    }

    /// <summary>Whether the cell could be checked; a disagreement beyond the rounding of the shown figures is a problem.</summary>
    private static bool Compare(IReadOnlyList<string> row, int derived, int a, IReadOnlyList<string> bRow, int b, string header, List<string> problems)
    {
        if (derived >= row.Count || a >= row.Count || b >= bRow.Count) return false;
        if (Parse(row[derived]) is not { } z || Parse(row[a]) is not { } x || Parse(bRow[b]) is not { } y || y.Value == 0) return false;
        var percent = row[derived].Contains('%', StringComparison.Ordinal);
        var expected = x.Value / y.Value * (percent ? 100 : 1);
        // The shown operands are rounded: allow their half-units' effect, the derived cell's own rounding and 1 %.
        var tolerance = Math.Abs(expected) * (0.5 * Math.Pow(10, -x.Decimals) / Math.Max(Math.Abs(x.Value), 1e-9)
                                              + 0.5 * Math.Pow(10, -y.Decimals) / Math.Abs(y.Value) + 0.01)
                        + 0.5 * Math.Pow(10, -z.Decimals);
        if (Math.Abs(z.Value - expected) > tolerance)
            problems.Add($"'{header}' in row '{string.Join(" | ", row)}': shows {z.Value}, the columns beside it give {expected:F4}");
        return true;
    }

    /// <summary>Words a reader reads: the Markdown without charts, HTML, link targets and table rules.</summary>
    public static int Words(string markdown)
    {
        var text = Regex.Replace(markdown, "<svg.*?</svg>", " ", RegexOptions.Singleline);
        text = Regex.Replace(text, @"!\[[^\]]*\]\([^)]*\)", " ");
        text = Regex.Replace(text, @"\]\([^)]*\)", "] ");
        text = Regex.Replace(text, "<[^>]+>", " ");
        return Regex.Matches(text, @"[\p{L}\p{N}][\p{L}\p{N}'’.,\-–/%×]*").Count;
    }
}
