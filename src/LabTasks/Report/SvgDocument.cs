using System.Globalization;
using System.Text;

namespace VirtLab.Report;

/// <summary>
/// A minimal SVG writer: one element per line and never a blank line, because Markdown ends a raw
/// HTML block at the first blank line. Styling is done with attributes, not CSS, so the same
/// markup looks the same inline in HTML and as a standalone .svg file.
/// </summary>
public sealed class SvgDocument
{
    private readonly StringBuilder _body = new();
    private readonly StringBuilder _defs = new();
    private int _depth = 1;

    public SvgDocument(double width, double height, string title)
    {
        Width = width;
        Height = height;
        Title = title;
    }

    public double Width { get; }
    public double Height { get; }
    public string Title { get; }

    /// <summary>An empty element, e.g. Element("rect", ("x", 1), ("y", 2)).</summary>
    public SvgDocument Element(string name, params (string Name, object? Value)[] attributes) => Write(name, null, null, attributes);

    /// <summary>An element with escaped text content.</summary>
    public SvgDocument Text(string name, string text, params (string Name, object? Value)[] attributes) => Write(name, text, null, attributes);

    /// <summary>An element with a tooltip (&lt;title&gt; child), read by screen readers and shown on hover.</summary>
    public SvgDocument WithTooltip(string name, string tooltip, params (string Name, object? Value)[] attributes) => Write(name, null, tooltip, attributes);

    public SvgDocument Open(string name, params (string Name, object? Value)[] attributes)
    {
        Indent(_body).Append('<').Append(name);
        AppendAttributes(_body, attributes);
        _body.Append(">\n");
        _depth++;
        return this;
    }

    public SvgDocument Close(string name)
    {
        _depth--;
        Indent(_body).Append("</").Append(name).Append(">\n");
        return this;
    }

    /// <summary>Markup for &lt;defs&gt; (patterns, markers); written before the body.</summary>
    public SvgDocument Definition(string markup)
    {
        foreach (var line in markup.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            _defs.Append("    ").Append(line).Append('\n');
        return this;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Num(Width)).Append("\" height=\"").Append(Num(Height))
          .Append("\" viewBox=\"0 0 ").Append(Num(Width)).Append(' ').Append(Num(Height))
          .Append("\" role=\"img\" aria-label=\"").Append(Escape(Title)).Append("\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n");
        sb.Append("  <title>").Append(Escape(Title)).Append("</title>\n");
        if (_defs.Length > 0) sb.Append("  <defs>\n").Append(_defs).Append("  </defs>\n");
        sb.Append(_body);
        sb.Append("</svg>");
        return sb.ToString();
    }

    public static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal)
        .Replace("\r", "", StringComparison.Ordinal)
        .Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Coordinates with at most two decimals, invariant culture.</summary>
    public static string Num(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private SvgDocument Write(string name, string? text, string? tooltip, (string Name, object? Value)[] attributes)
    {
        Indent(_body).Append('<').Append(name);
        AppendAttributes(_body, attributes);
        if (text is null && tooltip is null)
        {
            _body.Append("/>\n");
            return this;
        }
        _body.Append('>');
        if (tooltip is not null) _body.Append("<title>").Append(Escape(tooltip)).Append("</title>");
        if (text is not null) _body.Append(Escape(text));
        _body.Append("</").Append(name).Append(">\n");
        return this;
    }

    private static void AppendAttributes(StringBuilder sb, (string Name, object? Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (value is null) continue;
            var text = value switch
            {
                double d => Num(d),
                float f => Num(f),
                int i => i.ToString(CultureInfo.InvariantCulture),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
            };
            sb.Append(' ').Append(name).Append("=\"").Append(Escape(text)).Append('"');
        }
    }

    private StringBuilder Indent(StringBuilder sb) => sb.Append(' ', 2 * _depth);
}
