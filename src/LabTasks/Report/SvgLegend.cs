namespace VirtLab.Report;

/// <summary>
/// What the time charts put below their plot: the x-axis labels' room, a legend that wraps to the
/// chart's width, then the footnote.
/// </summary>
public static class SvgLegend
{
    private const double RowHeight = 18, FirstBaseline = 64;
    private const string Text = "#333333", Muted = "#666666";

    /// <summary>The height below the plot's bottom edge.</summary>
    public static double Height(IReadOnlyList<SvgLegendEntry> entries, double left, double right, string? footnote) =>
        FirstBaseline - 8 + Rows(entries, left, right) * RowHeight + (footnote is null ? 0 : 22);

    public static void Draw(SvgDocument svg, IReadOnlyList<SvgLegendEntry> entries, double left, double right, double plotBottom, string? footnote)
    {
        var y = plotBottom + FirstBaseline;
        foreach (var (entry, x, row) in Layout(entries, left, right))
        {
            entry.Swatch(svg, x, y + row * RowHeight);
            svg.Text("text", entry.Name, ("x", x + 21), ("y", y + row * RowHeight), ("font-size", 11), ("fill", Text));
        }
        if (footnote is not null)
            svg.Text("text", footnote, ("x", left), ("y", y + Rows(entries, left, right) * RowHeight + 4), ("font-size", 10), ("fill", Muted));
    }

    private static int Rows(IReadOnlyList<SvgLegendEntry> entries, double left, double right) =>
        Layout(entries, left, right).Select(p => p.Row).DefaultIfEmpty(0).Max() + 1;

    /// <summary>Each entry's x and row: left to right, a new row when the next one would pass <paramref name="right"/>.</summary>
    private static IEnumerable<(SvgLegendEntry Entry, double X, int Row)> Layout(IReadOnlyList<SvgLegendEntry> entries, double left, double right)
    {
        var (x, row) = (left, 0);
        foreach (var entry in entries)
        {
            var width = 32 + 6.2 * entry.Name.Length;
            if (x > left && x + width > right) { x = left; row++; }
            yield return (entry, x, row);
            x += width;
        }
    }
}
