using System.Net;
using System.Text.RegularExpressions;
using Markdig;

namespace VirtLab.Report;

/// <summary>
/// The report as one self-contained HTML page: Markdig (advanced extensions: pipe tables, auto
/// identifiers …) for the body, inline CSS, the charts as inline SVG, no script and no external resource.
/// </summary>
public static partial class ReportHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    [GeneratedRegex(@"^#\s+(?<t>.+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex FirstHeading();

    public static string Body(string markdown) => Markdown.ToHtml(markdown, Pipeline);

    public static string? TitleOf(string markdown) =>
        FirstHeading().Match(markdown) is { Success: true } m ? m.Groups["t"].Value.Replace("`", "", StringComparison.Ordinal).Trim() : null;

    public static string Page(string markdown, string title) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)}</title>
        <style>
        {Css}
        </style>
        </head>
        <body>
        <main>
        {Body(markdown)}
        </main>
        </body>
        </html>

        """;

    private const string Css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #f6f7f9; color: #1d2330; font: 15px/1.55 "DejaVu Sans", Verdana, Arial, sans-serif; }
        main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 4rem; background: #ffffff; }
        h1 { font-size: 1.7rem; border-bottom: 2px solid #3b6ea8; padding-bottom: .3rem; }
        h2 { font-size: 1.35rem; margin-top: 2.4rem; border-bottom: 1px solid #d5dae3; padding-bottom: .2rem; }
        h3 { font-size: 1.1rem; margin-top: 1.6rem; }
        table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; display: block; overflow-x: auto; }
        th, td { border: 1px solid #d5dae3; padding: .3rem .55rem; vertical-align: top; }
        th { background: #eef1f6; }
        tr:nth-child(even) td { background: #fafbfc; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; background: #f0f2f5; padding: 0 .2em; border-radius: 3px; }
        pre { background: #f0f2f5; padding: .7rem .9rem; overflow-x: auto; border-radius: 4px; line-height: 1.35; }
        pre code { background: none; padding: 0; }
        blockquote { margin: 1rem 0; padding: .4rem 1rem; border-left: 4px solid #e0a030; background: #fff8e8; }
        figure.chart { margin: 1.2rem 0; }
        figure.chart svg { max-width: 100%; height: auto; border: 1px solid #e2e6ec; }
        figcaption { font-size: .85rem; color: #555d6b; margin-top: .3rem; }
        .reference, em.reference { color: #6b5a2a; }
        """;
}
