namespace VirtLab.Report;

/// <summary>Lanes on one shared time axis, a row per kind of span, with a zero line: a Gantt-like timeline as SVG without script.</summary>
public static class SvgTimelineChart
{
    // The legend starts under the lane labels, not under the plot.
    private const double Left = 176, Right = 20, Top = 50, RowHeight = 10, LanePadding = 9, LegendLeft = 10;
    private const string Axis = "#333333", Grid = "#e4e4e4", Muted = "#666666";

    /// <summary>Tall enough for the lane's rows and for its label lines (12 px each).</summary>
    public static double LaneHeight(SvgTimelineSpec spec, SvgLane lane) => Math.Max(spec.Rows.Count * RowHeight, 12 * lane.Label.Count - 6) + 2 * LanePadding;

    public static string Render(SvgTimelineSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var plotWidth = spec.Width - Left - Right;
        var plotBottom = Top + spec.Lanes.Sum(l => LaneHeight(spec, l));
        var legend = spec.Legend.Select(i => i.IsTick ? SvgLegendEntry.Tick(i.Name, i.Color) : SvgLegendEntry.Box(i.Name, i.Color)).ToList();
        var height = plotBottom + SvgLegend.Height(legend, LegendLeft, spec.Width - Right, spec.Footnote);
        var (xMin, xMax, ticks) = SvgScale.Axis(spec.XMin, spec.XMax, 8);
        double X(double v) => Left + (Math.Clamp(v, xMin, xMax) - xMin) / (xMax - xMin) * plotWidth;
        var hatchId = $"{spec.Id}-hatch";

        var svg = new SvgDocument(spec.Width, height, spec.Title);
        svg.Definition($"""
            <pattern id="{SvgDocument.Escape(hatchId)}" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#f4f4f4"/>
            <line x1="0" y1="0" x2="0" y2="8" stroke="#cccccc" stroke-width="3"/>
            </pattern>
            """);
        svg.Element("rect", ("width", spec.Width), ("height", height), ("fill", "#ffffff"));
        svg.Text("text", spec.Title, ("x", spec.Width / 2), ("y", 24), ("text-anchor", "middle"), ("font-size", 15), ("font-weight", "bold"), ("fill", Axis));

        var step = ticks.Count > 1 ? ticks[1] - ticks[0] : 1;
        foreach (var t in ticks)
        {
            svg.Element("line", ("x1", X(t)), ("y1", Top), ("x2", X(t)), ("y2", plotBottom + 4), ("stroke", t == 0 ? Axis : Grid),
                ("stroke-width", 1), ("stroke-dasharray", t == 0 ? "4 3" : null));
            svg.Text("text", SvgScale.Label(t, step), ("x", X(t)), ("y", plotBottom + 17), ("text-anchor", "middle"), ("font-size", 11), ("fill", Axis));
        }
        svg.Text("text", spec.XAxisLabel, ("x", Left + plotWidth / 2), ("y", plotBottom + 36), ("text-anchor", "middle"), ("font-size", 12), ("fill", Axis));

        var laneTop = Top;
        for (var i = 0; i < spec.Lanes.Count; i++)
        {
            var laneHeight = LaneHeight(spec, spec.Lanes[i]);
            DrawLane(svg, spec, spec.Lanes[i], laneTop, laneHeight, plotWidth, X, xMin, hatchId, shaded: i % 2 == 0);
            laneTop += laneHeight;
        }
        svg.Element("line", ("x1", Left), ("y1", plotBottom), ("x2", Left + plotWidth), ("y2", plotBottom), ("stroke", Axis), ("stroke-width", 1));
        SvgLegend.Draw(svg, legend, LegendLeft, spec.Width - Right, plotBottom, spec.Footnote);
        return svg.ToString();
    }

    private static void DrawLane(SvgDocument svg, SvgTimelineSpec spec, SvgLane lane, double top, double height, double plotWidth,
        Func<double, double> x, double xMin, string hatchId, bool shaded)
    {
        svg.Open("g", ("class", "lane"));
        if (shaded) svg.Element("rect", ("x", 4), ("y", top), ("width", spec.Width - 8), ("height", height), ("fill", "#f7f7f7"));
        var labelTop = top + height / 2 - 6 * (lane.Label.Count - 1) + 4;
        for (var l = 0; l < lane.Label.Count; l++)
            svg.Text("text", lane.Label[l], ("x", 10), ("y", labelTop + 12 * l), ("font-size", l == 0 ? 11 : 10),
                ("font-weight", l == 0 ? "bold" : null), ("fill", l == 0 ? Axis : Muted));
        if (lane.Note is not null)
        {
            svg.Element("rect", ("x", Left), ("y", top + 4), ("width", plotWidth), ("height", height - 8), ("fill", $"url(#{hatchId})"), ("class", "no-switch-over"));
            svg.Text("text", lane.Note, ("x", Left + plotWidth / 2), ("y", top + height / 2 + 4), ("text-anchor", "middle"),
                ("font-size", 11), ("font-style", "italic"), ("fill", Axis));
        }
        double RowY(int row) => top + LanePadding + Math.Max(0, (height - 2 * LanePadding - spec.Rows.Count * RowHeight) / 2) + row * RowHeight;
        foreach (var span in lane.Spans)
        {
            var from = x(span.From);
            var width = Math.Max(2, x(span.To) - from);
            svg.WithTooltip("rect", span.Tooltip, ("x", from), ("y", RowY(span.Row) + 1), ("width", width),
                ("height", RowHeight - 2), ("fill", span.Color), ("class", "span"));
            // A span that began before the axis does not hide how long it really was.
            if (span.From < xMin && span.ClippedLabel is { } clipped && width >= 12 + 5.5 * clipped.Length)
                svg.Text("text", "◂ " + clipped, ("x", from + 3), ("y", RowY(span.Row) + RowHeight - 2.5), ("font-size", 9), ("fill", "#ffffff"));
        }
        foreach (var tick in lane.Ticks)
            svg.WithTooltip("line", tick.Tooltip, ("x1", x(tick.X)), ("y1", RowY(tick.Row)), ("x2", x(tick.X)), ("y2", RowY(tick.Row) + RowHeight),
                ("stroke", tick.Color), ("stroke-width", 2), ("class", "tick"));
        svg.Close("g");
    }
}
