using Scriban.Runtime;

namespace VirtLab.Report;

/// <summary>
/// The rendered report: the Markdown file's text (charts as image links), the HTML page (charts
/// inline), the charts, and the appendix with every full table (report-data.md and .html).
/// </summary>
public sealed record ReportOutput(ReportModel Model, string Markdown, string Html, IReadOnlyList<ReportChart> Charts, string DataMarkdown, string DataHtml);
