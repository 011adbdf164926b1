using System.Globalization;

namespace VirtLab.Report;

/// <summary>Grouped bar chart with whiskers (and optional marks above them), axes, units and a legend, as SVG without script.</summary>
public static class SvgBarChart
{
    public static readonly string[] Palette = ["#3b6ea8", "#e08a2c", "#4f9a5b", "#b5485d", "#7a5aa6", "#8c6d46", "#2a9d8f", "#e377c2", "#555555", "#bcbd22"];

    private const double Left = 78, Right = 20, Top = 46, Bottom = 96;
    private const string Axis = "#333333", Grid = "#dddddd", Muted = "#666666";

    public static string Render(SvgBarChartSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var svg = new SvgDocument(spec.Width, spec.Height, spec.Title);
        var plot = new Plot(Left, Top, spec.Width - Left - Right, spec.Height - Top - Bottom);
        var (top, step) = NiceScale(spec.Groups.SelectMany(g => g.Bars).Select(b => Math.Max(Math.Max(b.Value ?? 0, b.Max ?? 0), b.Mark ?? 0)).DefaultIfEmpty(0).Max());
        var hatchId = $"{spec.Id}-hatch";
        svg.Definition($"""
            <pattern id="{SvgDocument.Escape(hatchId)}" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#f4f4f4"/>
            <line x1="0" y1="0" x2="0" y2="8" stroke="#aaaaaa" stroke-width="3"/>
            </pattern>
            """);

        svg.Element("rect", ("width", spec.Width), ("height", spec.Height), ("fill", "#ffffff"));
        svg.Text("text", spec.Title, ("x", spec.Width / 2), ("y", 24), ("text-anchor", "middle"), ("font-size", 15), ("font-weight", "bold"), ("fill", Axis));
        DrawYAxis(svg, plot, spec.YAxisLabel, top, step);
        DrawGroups(svg, plot, spec, top, hatchId);
        DrawLegend(svg, spec, plot, hatchId);
        return svg.ToString();
    }

    /// <summary>A "nice" axis maximum and tick step (1, 2, 2.5 or 5 × 10^k) with about five ticks.</summary>
    public static (double Top, double Step) NiceScale(double max)
    {
        if (!(max > 0) || !double.IsFinite(max)) return (1, 0.2);
        var rough = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough);
        var top = Math.Ceiling(max / step - 1e-9) * step;
        if (top <= max * 1.02) top += step; // room for the value label above the tallest bar
        return (top, step);
    }

    private sealed record Plot(double X, double Y, double Width, double Height)
    {
        public double Bottom => Y + Height;
        public double YFor(double value, double top) => Bottom - value / top * Height;
    }

    private static void DrawYAxis(SvgDocument svg, Plot plot, string label, double top, double step)
    {
        var decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
        for (var tick = 0.0; tick <= top + step / 1000; tick += step)
        {
            var y = plot.YFor(tick, top);
            svg.Element("line", ("x1", plot.X), ("y1", y), ("x2", plot.X + plot.Width), ("y2", y), ("stroke", tick == 0 ? Axis : Grid), ("stroke-width", 1));
            svg.Text("text", tick.ToString("F" + decimals, CultureInfo.InvariantCulture), ("x", plot.X - 6), ("y", y + 4), ("text-anchor", "end"), ("font-size", 11), ("fill", Axis));
        }
        svg.Element("line", ("x1", plot.X), ("y1", plot.Y), ("x2", plot.X), ("y2", plot.Bottom), ("stroke", Axis), ("stroke-width", 1));
        var cy = plot.Y + plot.Height / 2;
        svg.Text("text", label, ("x", 18), ("y", cy), ("text-anchor", "middle"), ("font-size", 12), ("fill", Axis), ("transform", $"rotate(-90 18 {SvgDocument.Num(cy)})"));
    }

    private static void DrawGroups(SvgDocument svg, Plot plot, SvgBarChartSpec spec, double top, string hatchId)
    {
        if (spec.Groups.Count == 0) return;
        var groupWidth = plot.Width / spec.Groups.Count;
        var slots = Math.Max(1, spec.Groups.Max(g => g.Bars.Count));
        var barWidth = Math.Min(70, groupWidth * 0.72 / slots);
        for (var g = 0; g < spec.Groups.Count; g++)
        {
            var group = spec.Groups[g];
            var center = plot.X + groupWidth * (g + 0.5);
            var start = center - barWidth * group.Bars.Count / 2;
            for (var b = 0; b < group.Bars.Count; b++)
                DrawBar(svg, plot, spec, group.Bars[b], start + b * barWidth + barWidth * 0.08, barWidth * 0.84, top, hatchId);
            var lines = group.Label.Split('\n');
            for (var l = 0; l < lines.Length; l++)
                svg.Text("text", lines[l], ("x", center), ("y", plot.Bottom + 18 + 14 * l), ("text-anchor", "middle"), ("font-size", 12),
                    ("fill", Axis), ("font-weight", l == 0 ? "bold" : null));
        }
    }

    private static void DrawBar(SvgDocument svg, Plot plot, SvgBarChartSpec spec, SvgBar bar, double x, double width, double top, string hatchId)
    {
        var cx = x + width / 2;
        if (bar.IsUnavailable)
        {
            var slotTop = plot.Y + plot.Height * 0.75;
            svg.WithTooltip("rect", bar.Tooltip ?? bar.Note ?? "unavailable", ("x", x), ("y", slotTop), ("width", width), ("height", plot.Bottom - slotTop),
                ("fill", $"url(#{hatchId})"), ("stroke", "#888888"), ("stroke-dasharray", "4 3"), ("class", "unavailable"));
            svg.Text("text", bar.Note ?? "unavailable", ("x", cx), ("y", slotTop - 6), ("text-anchor", "middle"), ("font-size", 11), ("font-style", "italic"), ("fill", Muted));
            return;
        }
        var color = spec.Series.FirstOrDefault(s => s.Name == bar.Series)?.Color ?? Palette[0];
        var y = plot.YFor(bar.Value!.Value, top);
        var valueText = bar.Value.Value.ToString("F" + spec.ValueDecimals, CultureInfo.InvariantCulture);
        svg.WithTooltip("rect", bar.Tooltip ?? $"{bar.Series}: {valueText}", ("x", x), ("y", y), ("width", width), ("height", Math.Max(0, plot.Bottom - y)),
            ("fill", color), ("class", "bar"));
        var labelY = y;
        DrawPoints(svg, plot, bar, x, width, top);
        if (bar.Min is { } min && bar.Max is { } max && max > min)
        {
            var y1 = plot.YFor(min, top);
            var y2 = plot.YFor(max, top);
            var cap = Math.Min(10, width / 3);
            svg.Element("line", ("x1", cx), ("y1", y1), ("x2", cx), ("y2", y2), ("stroke", "#111111"), ("stroke-width", 1.5), ("class", "whisker"));
            svg.Element("line", ("x1", cx - cap), ("y1", y1), ("x2", cx + cap), ("y2", y1), ("stroke", "#111111"), ("stroke-width", 1.5));
            svg.Element("line", ("x1", cx - cap), ("y1", y2), ("x2", cx + cap), ("y2", y2), ("stroke", "#111111"), ("stroke-width", 1.5));
            labelY = Math.Min(y, y2);
        }
        if (bar.Mark is { } mark)
        {
            // The mark can sit far above the bar (p99.9 over p50), so each value is written next to what it labels:
            // the bar's left of the whisker just above the bar, the mark's right of the dot.
            var ym = plot.YFor(mark, top);
            var markText = mark.ToString("F" + spec.ValueDecimals, CultureInfo.InvariantCulture);
            svg.WithTooltip("circle", $"{bar.Series}: {spec.MarkLabel ?? "mark"} {markText}", ("cx", cx), ("cy", ym), ("r", 3.5),
                ("fill", "#111111"), ("stroke", "#ffffff"), ("stroke-width", 1), ("class", "mark"));
            svg.Text("text", markText, ("x", cx + 6), ("y", ym + 4), ("font-size", 10), ("fill", Muted), ("class", "mark-value"));
            svg.Text("text", valueText, ("x", cx - 4), ("y", y - 4), ("text-anchor", "end"), ("font-size", 11), ("fill", Axis), ("class", "bar-value"));
            return;
        }
        svg.Text("text", valueText, ("x", cx), ("y", labelY - 5), ("text-anchor", "middle"), ("font-size", 11), ("fill", Axis));
    }

    /// <summary>Every repeat as a hollow dot, spread evenly across the bar's middle so equal values stay apart.</summary>
    private static void DrawPoints(SvgDocument svg, Plot plot, SvgBar bar, double x, double width, double top)
    {
        if (bar.Points is not { Count: > 0 } points) return;
        for (var i = 0; i < points.Count; i++)
        {
            var px = x + width * (0.2 + 0.6 * (points.Count == 1 ? 0.5 : (double)i / (points.Count - 1)));
            svg.WithTooltip("circle", $"{bar.Series}: repeat {i + 1}: {points[i].ToString("G4", CultureInfo.InvariantCulture)}",
                ("cx", px), ("cy", plot.YFor(points[i], top)), ("r", 2.5), ("fill", "#ffffff"), ("fill-opacity", 0.85),
                ("stroke", "#111111"), ("stroke-width", 1), ("class", "point"));
        }
    }

    private static void DrawLegend(SvgDocument svg, SvgBarChartSpec spec, Plot plot, string hatchId)
    {
        var y = spec.Height - 28;
        var x = plot.X;
        foreach (var series in spec.Series)
        {
            svg.Element("rect", ("x", x), ("y", y - 10), ("width", 12), ("height", 12), ("fill", series.Color));
            svg.Text("text", series.Name, ("x", x + 17), ("y", y), ("font-size", 11), ("fill", Axis));
            x += 30 + 6.5 * series.Name.Length;
        }
        svg.Element("line", ("x1", x + 6), ("y1", y - 11), ("x2", x + 6), ("y2", y + 1), ("stroke", "#111111"), ("stroke-width", 1.5));
        svg.Text("text", spec.WhiskerLabel, ("x", x + 13), ("y", y), ("font-size", 11), ("fill", Axis));
        x += 30 + 6 * spec.WhiskerLabel.Length;
        if (spec.MarkLabel is not null)
        {
            svg.Element("circle", ("cx", x + 6), ("cy", y - 4), ("r", 3.5), ("fill", "#111111"));
            svg.Text("text", spec.MarkLabel, ("x", x + 13), ("y", y), ("font-size", 11), ("fill", Axis));
            x += 30 + 6 * spec.MarkLabel.Length;
        }
        if (spec.Groups.Any(g => g.Bars.Any(b => b.IsUnavailable)))
        {
            svg.Element("rect", ("x", x), ("y", y - 10), ("width", 12), ("height", 12), ("fill", $"url(#{hatchId})"), ("stroke", "#888888"));
            svg.Text("text", "not measured here", ("x", x + 17), ("y", y), ("font-size", 11), ("fill", Axis));
        }
        if (spec.Footnote is not null)
            svg.Text("text", spec.Footnote, ("x", plot.X), ("y", spec.Height - 8), ("font-size", 10), ("fill", Muted));
    }
}
