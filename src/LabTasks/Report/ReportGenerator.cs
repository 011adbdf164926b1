using Scriban.Runtime;
using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Report;

/// <summary>
/// Builds the report model from records, renders one Scriban template per question plus the
/// environment section, joins them with report.md.sbn, and turns the result into HTML.
/// </summary>
public static class ReportGenerator
{
    /// <summary>
    /// The sections in report order. A section's template is "&lt;section&gt;.md.sbn" or
    /// "&lt;section&gt;-&lt;words&gt;.md.sbn" (c-virtio-vs-e1000.md.sbn): the words only say what the
    /// question is about, so they can change without touching code.
    /// </summary>
    public static readonly string[] Sections = ["a", "b", "c", "d", "e", "f", "g", "h", "builds", "environment"];

    /// <summary>The experiment behind the section "QEMU builds compared" (experiments/qemu-builds.proj).</summary>
    public const string QemuBuildsExperiment = "qemu-builds";

    /// <summary>The experiments behind D's "Integrity over many migrations" and "Where the pause goes" (experiments/soak.proj, switchover.proj).</summary>
    public const string SoakExperiment = "soak";
    public const string SwitchoverExperiment = "switchover";
    /// <summary>The experiment behind D's and F's "Between two machines" (experiments/two-hosts.proj).</summary>
    public const string TwoHostsExperiment = "two-hosts";
    public const string MainTemplate = "report.md.sbn";

    /// <summary>The appendix: every full table, next to the report as report-data.md (linked from each question).</summary>
    public const string DataTemplate = "report-data.md.sbn";
    public const string ReferenceFile = "reference.yaml";

    public static ReportOutput Generate(ReportOptions options)
    {
        var output = Render(options);
        foreach (var chart in output.Charts)
            AtomicFile.WriteIfDifferent(Path.Combine(options.ChartsDirectory, chart.FileName), chart.Svg + "\n");
        AtomicFile.WriteAllText(DataFile(options.MarkdownFile), output.DataMarkdown);
        AtomicFile.WriteAllText(DataFile(options.HtmlFile), output.DataHtml);
        AtomicFile.WriteAllText(options.HtmlFile, output.Html);
        // Last: the Markdown file is the target's output, so it must not look up to date before the rest exists.
        AtomicFile.WriteAllText(options.MarkdownFile, output.Markdown);
        return output;
    }

    public static ReportOutput Render(ReportOptions options)
    {
        var model = BuildModel(options);
        var charts = ReportCharts.Build(model, FileSuffix(options.Profile));
        var reportDirectory = Path.GetDirectoryName(Path.GetFullPath(options.MarkdownFile))!;
        var markdownCharts = charts.ToDictionary(c => c.Id, c => MarkdownChart(c, reportDirectory, options.ChartsDirectory));
        var inlineCharts = charts.ToDictionary(c => c.Id, InlineChart);
        // Each document links to its sibling of the same kind: .md to .md, .html to .html.
        var markdown = RenderMarkdown(options.TemplateDirectory, model, markdownCharts, Path.GetFileName(DataFile(options.MarkdownFile)));
        var htmlSource = RenderMarkdown(options.TemplateDirectory, model, inlineCharts, Path.GetFileName(DataFile(options.HtmlFile)));
        var html = ReportHtml.Page(htmlSource, ReportHtml.TitleOf(htmlSource) ?? "VirtLab report");
        var dataMarkdown = RenderData(options.TemplateDirectory, model, markdownCharts, Path.GetFileName(options.MarkdownFile));
        var dataHtmlSource = RenderData(options.TemplateDirectory, model, inlineCharts, Path.GetFileName(options.HtmlFile));
        var dataHtml = ReportHtml.Page(dataHtmlSource, ReportHtml.TitleOf(dataHtmlSource) ?? "VirtLab report: all figures");
        return new ReportOutput(model, markdown, html, charts, dataMarkdown, dataHtml);
    }

    /// <summary>The appendix next to a report file: report.md → report-data.md, report-quick.html → report-quick-data.html.</summary>
    public static string DataFile(string reportFile) =>
        Path.Combine(Path.GetDirectoryName(reportFile) ?? "", Path.GetFileNameWithoutExtension(reportFile) + "-data" + Path.GetExtension(reportFile));

    public static ReportModel BuildModel(ReportOptions options)
    {
        var reportDirectory = Path.GetDirectoryName(Path.GetFullPath(options.MarkdownFile))!;
        var experiments = options.RecordFiles.ToDictionary(f => f.Experiment, f => Read(f));
        var imported = options.ImportedRecordsFile is { } file && File.Exists(file) ? RecordFile.Read(file) : [];
        var reference = ReportReference.Load(Path.Combine(options.TemplateDirectory, ReferenceFile));
        var profileArgument = options.Profile == "default" ? "" : $" -p:Profile={options.Profile}";

        ExperimentRecords Of(string experiment) => experiments.GetValueOrDefault(experiment) ?? new ExperimentRecords(experiment, "", []);
        RecordsSource? SourceOf(string experiment) => experiments.TryGetValue(experiment, out var e) ? Source(e, reportDirectory) : null;

        var sysbench = Of(ReportSysbench.Experiment);
        var (verdict, verdictFile) = ReportEnvironment.FindVerdict(options.KvmProbeDirectory, sysbench.Records);
        var b = ReportSysbench.Build(sysbench, SourceOf(ReportSysbench.Experiment), imported, verdict, verdictFile, reference, profileArgument);
        var c = ReportIperf.Build(Of(ReportIperf.Experiment), SourceOf(ReportIperf.Experiment), imported, profileArgument);
        var a = ReportHostSetup.Build(options.HostSetupDirectory, reportDirectory, options.LabParameters, profileArgument);
        var migration = ReportMigration.Build(Of(ReportMigration.Experiment), SourceOf(ReportMigration.Experiment), profileArgument);

        var sources = experiments.Values.Select(e => Source(e, reportDirectory)).ToList();
        if (options.ImportedRecordsFile is { } importedFile && File.Exists(importedFile))
            sources.Add(Source(new ExperimentRecords("imported", importedFile, imported), reportDirectory));

        var all = experiments.Values.SelectMany(e => e.Records).ToList();
        var now = options.Now ?? DateTimeOffset.UtcNow;
        var environment = ReportEnvironment.From(ReadOr(options.CpuInfoFile, ""), ReadOr(options.OsReleaseFile, "unknown"), all, b.Kvm, options.LabParameters, now);
        var builds = Of(QemuBuildsExperiment) is { Records.Count: > 0 } measured ? QemuBuildsSummary.From(QemuBuildsExperiment, options.Profile, measured.Records) : null;
        var soak = Of(SoakExperiment) is { Records.Count: > 0 } soaked ? IntegrityRateRow.From(soaked.Records, MigrationSummary.CellNames(soaked.Records)) : null;
        var switchover = Of(SwitchoverExperiment) is { Records.Count: > 0 } paused ? SwitchoverRow.From(paused.Records) : null;
        var twoHosts = Of(TwoHostsExperiment) is { Records.Count: > 0 } moved ? TwoHostsRow.From(moved.Records) : null;
        return new ReportModel(options.Profile, profileArgument, now, environment, reference, a, b, c, migration, sources,
            ComparisonSection(options.ComparisonFile), builds, soak is { Count: > 0 } ? soak : null, switchover is { Count: > 0 } ? switchover : null,
            twoHosts is { Count: > 0 } ? twoHosts : null);
    }

    /// <summary>compare.md one heading level down, to sit in the report as a section.</summary>
    private static string? ComparisonSection(string? file) =>
        file is not null && File.Exists(file)
            ? string.Join('\n', File.ReadAllLines(file).Select(line => line.StartsWith('#') ? "#" + line : line))
            : null;

    /// <summary>"" for the default profile, "-quick" for the quick one: the suffix of report and chart file names.</summary>
    public static string FileSuffix(string profile) => profile == "default" ? "" : "-" + profile;

    public static string RenderMarkdown(string templateDirectory, ReportModel model, IReadOnlyDictionary<string, string> charts, string dataLink = "report-data.md")
    {
        var extra = Globals(charts, dataLink, reportLink: "");
        foreach (var section in Sections)
            extra["section_" + section] = TemplateRenderer.Render(SectionTemplate(templateDirectory, section), model, extra).Trim();
        var text = TemplateRenderer.Render(TemplateFile(templateDirectory, MainTemplate), model, extra);
        return NormalizeBlankLines(text);
    }

    /// <summary>The appendix: every full table, under one heading per question ("## D", anchor #d).</summary>
    public static string RenderData(string templateDirectory, ReportModel model, IReadOnlyDictionary<string, string> charts, string reportLink) =>
        NormalizeBlankLines(TemplateRenderer.Render(TemplateFile(templateDirectory, DataTemplate), model, Globals(charts, dataLink: "", reportLink)));

    private static Dictionary<string, object?> Globals(IReadOnlyDictionary<string, string> charts, string dataLink, string reportLink)
    {
        var chartObject = new ScriptObject();
        foreach (var (id, snippet) in charts) chartObject[id.Replace('-', '_')] = snippet;
        return new Dictionary<string, object?> { ["charts"] = chartObject, ["data_link"] = dataLink, ["report_link"] = reportLink };
    }

    public static string MarkdownChart(ReportChart chart, string reportDirectory, string chartsDirectory) =>
        $"![{chart.Title}]({ReportPaths.Link(reportDirectory, Path.Combine(chartsDirectory, chart.FileName))})\n\n*{chart.Caption}*";

    /// <summary>The SVG inline in a figure: an HTML block for Markdig, so it must contain no blank line.</summary>
    public static string InlineChart(ReportChart chart) =>
        $"<figure class=\"chart\" id=\"chart-{chart.Id}\">\n{chart.Svg}\n<figcaption>{SvgDocument.Escape(chart.Caption)}</figcaption>\n</figure>";

    private static ExperimentRecords Read(ReportExperimentFile file) =>
        new(file.Experiment, file.Path, File.Exists(file.Path) ? RecordFile.Read(file.Path) : []);

    private static RecordsSource Source(ExperimentRecords e, string reportDirectory)
    {
        var csv = Path.ChangeExtension(e.Path, ".csv");
        var raw = Path.Combine(Path.GetDirectoryName(e.Path) ?? "", "raw");
        return new RecordsSource(e.Experiment, ReportPaths.Link(reportDirectory, e.Path), File.Exists(csv) ? ReportPaths.Link(reportDirectory, csv) : null,
            Directory.Exists(raw) ? ReportPaths.Link(reportDirectory, raw) + "/" : null, e.Records.Count, File.Exists(e.Path));
    }

    /// <summary>The one template of a section: "c.md.sbn" or "c-anything.md.sbn"; none or two is LAB0070.</summary>
    public static string SectionTemplate(string directory, string section)
    {
        var candidates = Directory.Exists(directory)
            ? Directory.GetFiles(directory, section + "*.md.sbn")
                .Where(f => Path.GetFileName(f) is var name && (name == section + ".md.sbn" || name.StartsWith(section + "-", StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new LabException(LabCodes.Template, $"The report template for section '{section}' is missing.",
                $"restore templates/report/{section}-*.md.sbn from the repository.", Path.Combine(directory, section + "-*.md.sbn")),
            _ => throw new LabException(LabCodes.Template,
                $"Section '{section}' has {candidates.Count} templates: {string.Join(", ", candidates.Select(Path.GetFileName))}.",
                "keep one template per section letter and remove or rename the others.", candidates[1]),
        };
    }

    private static string TemplateFile(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (!File.Exists(path))
            throw new LabException(LabCodes.Template, $"The report template '{name}' is missing.", $"restore templates/report/{name} from the repository.", path);
        return path;
    }

    private static string ReadOr(string path, string fallback)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return fallback; }
    }

    /// <summary>At most one blank line in a row (templates join sections), one newline at the end.</summary>
    public static string NormalizeBlankLines(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var result = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0 && (result.Count == 0 || result[^1].Length == 0)) continue;
            result.Add(line);
        }
        return string.Join('\n', result).TrimEnd('\n') + "\n";
    }
}
