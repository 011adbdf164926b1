using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using VirtLab.Report;

namespace VirtLab.Tasks;

/// <summary>
/// Renders the homework report (report.md, report.html and the charts) from every experiment's
/// records, the host-setup evidence and imported records. The logic is in <see cref="ReportGenerator"/>.
/// </summary>
public sealed class RenderReport : LabTask
{
    [Required] public string Profile { get; set; } = "";

    /// <summary>records.ndjson per experiment, with metadata Experiment; a missing file means "not measured yet".</summary>
    [Required] public ITaskItem[] RecordFiles { get; set; } = [];

    [Required] public string TemplateDirectory { get; set; } = "";
    [Required] public string MarkdownFile { get; set; } = "";
    [Required] public string HtmlFile { get; set; } = "";
    [Required] public string ChartsDirectory { get; set; } = "";
    public string ImportedRecordsFile { get; set; } = "";
    public string HostSetupDirectory { get; set; } = "";
    public string KvmProbeDirectory { get; set; } = "";

    /// <summary>lab.yaml's values: the item is the key ("network.hostAddress"), metadata Value its value.</summary>
    public ITaskItem[] LabParameters { get; set; } = [];

    /// <summary>compare.md of -p:CompareWith, added to the report as its last section; empty for none.</summary>
    public string ComparisonFile { get; set; } = "";

    [Output] public ITaskItem[] Charts { get; private set; } = [];

    protected override void Run()
    {
        var output = ReportGenerator.Generate(new ReportOptions
        {
            Profile = Profile,
            // An experiment built only when named (qemu-builds) and never measured is simply not in the report.
            RecordFiles = RecordFiles.Where(f => f.GetMetadata("OnlyWhenNamed") != "true" || File.Exists(f.GetMetadata("FullPath")))
                .Select(f => new ReportExperimentFile(f.GetMetadata("Experiment"), f.GetMetadata("FullPath"))).ToList(),
            TemplateDirectory = TemplateDirectory,
            MarkdownFile = MarkdownFile,
            HtmlFile = HtmlFile,
            ChartsDirectory = ChartsDirectory,
            ImportedRecordsFile = NullIfEmpty(ImportedRecordsFile),
            HostSetupDirectory = NullIfEmpty(HostSetupDirectory),
            KvmProbeDirectory = NullIfEmpty(KvmProbeDirectory),
            ComparisonFile = NullIfEmpty(ComparisonFile),
            LabParameters = new SortedDictionary<string, string>(LabParameters.ToDictionary(p => p.ItemSpec, p => p.GetMetadata("Value")), StringComparer.Ordinal),
        });
        Charts = output.Charts.Select(c => (ITaskItem)new TaskItem(Path.Combine(ChartsDirectory, c.FileName))).ToArray();
        var missing = output.Model.Sources.Where(s => !s.Exists).Select(s => s.Experiment).ToList();
        Log.LogMessage(MessageImportance.High, $"VirtLab: report in {MarkdownFile} and {HtmlFile} ({output.Charts.Count} chart(s))"
            + (missing.Count == 0 ? "" : $"; not measured yet: {string.Join(", ", missing)}"));
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
