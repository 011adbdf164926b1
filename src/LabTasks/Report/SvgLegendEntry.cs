namespace VirtLab.Report;

/// <summary>One legend entry: its name and how to draw its 16 px swatch left of the name, at (x, text baseline y).</summary>
public sealed record SvgLegendEntry(string Name, Action<SvgDocument, double, double> Swatch)
{
    public static SvgLegendEntry Line(string name, string color, double width = 2, string? dash = null) =>
        new(name, (svg, x, y) => svg.Element("line", ("x1", x), ("y1", y - 4), ("x2", x + 16), ("y2", y - 4), ("stroke", color), ("stroke-width", width), ("stroke-dasharray", dash)));

    public static SvgLegendEntry Box(string name, string color, double? opacity = null) =>
        new(name, (svg, x, y) => svg.Element("rect", ("x", x), ("y", y - 10), ("width", 16), ("height", 12), ("fill", color), ("fill-opacity", opacity)));

    public static SvgLegendEntry Tick(string name, string color) =>
        new(name, (svg, x, y) => svg.Element("line", ("x1", x + 8), ("y1", y - 11), ("x2", x + 8), ("y2", y + 1), ("stroke", color), ("stroke-width", 2)));
}
