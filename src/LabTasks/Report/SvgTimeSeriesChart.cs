using static VirtLab.Report.TemplateRenderer.Formatting;
namespace VirtLab.Report;

/// <summary>
/// Panels stacked on one shared time axis, each with its own y axis: a step line per interval,
/// the baseline as a dashed line, bands and marks behind the data. SVG without script.
/// </summary>
public static class SvgTimeSeriesChart
{
    public const string BaselineName = "baseline (median, separate run)";
    private const double Left = 78, Right = 20, Top = 46, PanelGap = 34;
    private const string Axis = "#333333", Grid = "#dddddd", Muted = "#666666";

    /// <summary>Panels, then the x-axis labels, the legend and the footnote.</summary>
    public static double Height(SvgTimeSeriesSpec spec) => PanelsBottom(spec) + SvgLegend.Height(LegendEntries(spec), Left, spec.Width - Right, spec.Footnote);

    private static double PanelsBottom(SvgTimeSeriesSpec spec) => Top + spec.Panels.Count * (spec.PanelHeight + PanelGap) - PanelGap;

    public static string Render(SvgTimeSeriesSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var height = Height(spec);
        var svg = new SvgDocument(spec.Width, height, spec.Title);
        var plotWidth = spec.Width - Left - Right;
        var (xMin, xMax, xTicks) = SvgScale.Axis(spec.XMin ?? XExtent(spec, p => p.Min()), XExtent(spec, p => p.Max()), 10);
        double X(double t) => Left + (Math.Clamp(t, xMin, xMax) - xMin) / (xMax - xMin) * plotWidth;

        svg.Element("rect", ("width", spec.Width), ("height", height), ("fill", "#ffffff"));
        svg.Text("text", spec.Title, ("x", spec.Width / 2), ("y", 24), ("text-anchor", "middle"), ("font-size", 15), ("font-weight", "bold"), ("fill", Axis));
        for (var i = 0; i < spec.Panels.Count; i++)
        {
            var top = Top + i * (spec.PanelHeight + PanelGap);
            DrawPanel(svg, spec.Panels[i], top, spec.PanelHeight, plotWidth, X, xTicks, labelTicks: i == spec.Panels.Count - 1, xMin, xMax);
        }
        var axisY = PanelsBottom(spec);
        svg.Text("text", spec.XAxisLabel, ("x", Left + plotWidth / 2), ("y", axisY + 36), ("text-anchor", "middle"), ("font-size", 12), ("fill", Axis));
        SvgLegend.Draw(svg, LegendEntries(spec), Left, spec.Width - Right, axisY, spec.Footnote);
        return svg.ToString();
    }

    /// <summary>Every time the chart must show: each series from the start of its first interval, every band and mark.</summary>
    private static double XExtent(SvgTimeSeriesSpec spec, Func<IEnumerable<double>, double> pick)
    {
        var xs = spec.Panels.SelectMany(p => p.Series.SelectMany(series => Steps(series.Points)).SelectMany(s => new[] { s.From, s.To })
            .Concat(p.Bands.SelectMany(b => new[] { b.From, b.To })).Concat(p.Marks.Select(m => m.X))).ToList();
        return xs.Count == 0 ? 0 : pick(xs);
    }

    /// <summary>Each point's interval: from the previous point's T (the first takes the second's width) to its own.</summary>
    public static List<(double From, double To, double Value)> Steps(IReadOnlyList<TimedValue> points)
    {
        var steps = new List<(double, double, double)>();
        for (var i = 0; i < points.Count; i++)
        {
            var width = i > 0 ? points[i].T - points[i - 1].T : points.Count > 1 ? points[1].T - points[0].T : 1;
            steps.Add((points[i].T - width, points[i].T, points[i].Value));
        }
        return steps;
    }

    private static void DrawPanel(SvgDocument svg, SvgPanel panel, double top, double height, double width, Func<double, double> x,
        IReadOnlyList<double> xTicks, bool labelTicks, double xMin, double xMax)
    {
        var bottom = top + height;
        var dataMax = panel.Series.SelectMany(s => s.Points).Select(p => p.Value).Append(panel.Baseline ?? 0).DefaultIfEmpty(0).Max();
        var (yTop, yStep) = SvgBarChart.NiceScale(dataMax);
        double Y(double v) => bottom - Math.Clamp(v / yTop, 0, 1) * height;

        svg.Open("g", ("class", "panel"));
        svg.Text("text", panel.Title, ("x", Left), ("y", top - 8), ("font-size", 12), ("font-weight", "bold"), ("fill", Axis));
        foreach (var band in panel.Bands)
        {
            var from = x(Math.Max(band.From, xMin));
            var to = x(Math.Min(band.To, xMax));
            svg.WithTooltip("rect", band.Tooltip, ("x", from), ("y", top), ("width", Math.Max(1.5, to - from)), ("height", height),
                ("fill", band.Color), ("fill-opacity", band.Opacity), ("class", "band"));
        }
        for (var tick = 0.0; tick <= yTop + yStep / 1000; tick += yStep)
        {
            var y = Y(tick);
            svg.Element("line", ("x1", Left), ("y1", y), ("x2", Left + width), ("y2", y), ("stroke", tick == 0 ? Axis : Grid), ("stroke-width", 1));
            svg.Text("text", SvgScale.Label(tick, yStep), ("x", Left - 6), ("y", y + 4), ("text-anchor", "end"), ("font-size", 11), ("fill", Axis));
        }
        var step = xTicks.Count > 1 ? xTicks[1] - xTicks[0] : 1;
        foreach (var t in xTicks)
        {
            svg.Element("line", ("x1", x(t)), ("y1", bottom), ("x2", x(t)), ("y2", bottom + 4), ("stroke", Axis), ("stroke-width", 1));
            if (labelTicks)
                svg.Text("text", SvgScale.Label(t, step), ("x", x(t)), ("y", bottom + 17), ("text-anchor", "middle"), ("font-size", 11), ("fill", Axis));
        }
        svg.Element("line", ("x1", Left), ("y1", top), ("x2", Left), ("y2", bottom), ("stroke", Axis), ("stroke-width", 1));
        var cy = top + height / 2;
        svg.Text("text", panel.YAxisLabel, ("x", 18), ("y", cy), ("text-anchor", "middle"), ("font-size", 12), ("fill", Axis),
            ("transform", $"rotate(-90 18 {SvgDocument.Num(cy)})"));

        if (panel.Baseline is { } baseline)
            svg.WithTooltip("line", $"{panel.BaselineName ?? BaselineName}: {Fmt(baseline, panel.ValueDecimals)} {panel.YAxisLabel}",
                ("x1", Left), ("y1", Y(baseline)), ("x2", Left + width), ("y2", Y(baseline)),
                ("stroke", Muted), ("stroke-width", 1.5), ("stroke-dasharray", "6 4"), ("class", "baseline"));
        foreach (var series in panel.Series)
            DrawSeries(svg, panel, series, x, Y);
        foreach (var mark in panel.Marks)
        {
            svg.WithTooltip("line", mark.Tooltip, ("x1", x(mark.X)), ("y1", top - 2), ("x2", x(mark.X)), ("y2", bottom),
                ("stroke", mark.Color), ("stroke-width", 1.5), ("class", "mark"));
        }
        svg.Close("g");
    }

    private static void DrawSeries(SvgDocument svg, SvgPanel panel, SvgStepSeries series, Func<double, double> x, Func<double, double> y)
    {
        var steps = Steps(series.Points);
        if (steps.Count == 0) return;
        var d = new System.Text.StringBuilder();
        d.Append("M ").Append(SvgDocument.Num(x(steps[0].From))).Append(' ').Append(SvgDocument.Num(y(steps[0].Value)));
        foreach (var s in steps)
            d.Append(" V ").Append(SvgDocument.Num(y(s.Value))).Append(" H ").Append(SvgDocument.Num(x(s.To)));
        var low = series.Points.MinBy(p => p.Value)!;
        svg.WithTooltip("path", $"{series.Name}: {steps.Count} intervals, lowest {Fmt(low.Value, panel.ValueDecimals)} {panel.YAxisLabel} at t = {Fmt(low.T, 3)} s",
            ("d", d.ToString()), ("fill", "none"), ("stroke", series.Color), ("stroke-width", 2), ("stroke-linejoin", "round"), ("class", "series"));
        if (series.EndNote is { } note)
            svg.WithTooltip("circle", note, ("cx", x(steps[^1].To)), ("cy", y(steps[^1].Value)), ("r", 4), ("fill", series.Color),
                ("stroke", "#ffffff"), ("stroke-width", 1), ("class", "series-end"));
    }

    private static List<SvgLegendEntry> LegendEntries(SvgTimeSeriesSpec spec)
    {
        var entries = spec.Panels.SelectMany(p => p.Series).DistinctBy(s => s.Name).Select(s => SvgLegendEntry.Line(s.Name, s.Color)).ToList();
        foreach (var name in spec.Panels.Where(p => p.Baseline is not null).Select(p => p.BaselineName ?? BaselineName).Distinct())
            entries.Add(SvgLegendEntry.Line(name, Muted, 1.5, "6 4"));
        entries.AddRange(spec.Panels.SelectMany(p => p.Bands).DistinctBy(b => b.Name).Select(b => SvgLegendEntry.Box(b.Name, b.Color, Math.Max(b.Opacity, 0.35))));
        entries.AddRange(spec.Panels.SelectMany(p => p.Marks).DistinctBy(m => m.Name).Select(m => SvgLegendEntry.Tick(m.Name, m.Color)));
        return entries;
    }
}
