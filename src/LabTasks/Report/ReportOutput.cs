using Scriban.Runtime;

namespace VirtLab.Report;

/// <summary>The rendered report: the Markdown file's text (charts as image links), the HTML page (charts inline) and the charts.</summary>
public sealed record ReportOutput(ReportModel Model, string Markdown, string Html, IReadOnlyList<ReportChart> Charts);
