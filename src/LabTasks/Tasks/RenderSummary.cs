using Microsoft.Build.Framework;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Merges an experiment's cell records into records.ndjson and renders summary.md from them, with
/// the summary model the experiment declares (SummaryKind: sysbench, iperf, migration or qemu-builds).
/// </summary>
public sealed class RenderSummary : LabTask
{
    public static readonly string[] Kinds = ["sysbench", "iperf", "migration", "qemu-builds"];

    [Required] public string Kind { get; set; } = "";
    [Required] public string Experiment { get; set; } = "";
    [Required] public string Profile { get; set; } = "";
    [Required] public ITaskItem[] RecordFiles { get; set; } = [];
    [Required] public string Template { get; set; } = "";
    [Required] public string RecordsFile { get; set; } = "";
    [Required] public string SummaryFile { get; set; } = "";
    public string KvmVerdictFile { get; set; } = "";

    protected override void Run()
    {
        if (!Kinds.Contains(Kind))
            throw new LabException(LabCodes.ConfigBadValue, $"SummaryKind '{Kind}' is not a summary VirtLab renders.",
                $"set <SummaryKind> in the experiment's .proj to one of {string.Join(", ", Kinds)}.");
        if (!File.Exists(Template))
            throw new LabException(LabCodes.Template, $"Experiment '{Experiment}' has no summary template at {Template}.",
                $"add templates/{Experiment}-summary.md.sbn (copy the one of an experiment of SummaryKind '{Kind}'), or set <SummaryTemplate> in the experiment's .proj.", Template);
        var present = RecordFiles.Select(f => f.ItemSpec).Where(File.Exists).ToList();
        var records = RecordFile.ReadAll(present);
        RecordFile.Write(RecordsFile, records);
        object model = Kind switch
        {
            "migration" => MigrationSummary.From(Experiment, Profile, records),
            "iperf" => IperfSummary.From(Experiment, Profile, records),
            "qemu-builds" => QemuBuildsSummary.From(Experiment, Profile, records),
            _ => SysbenchSummary.From(Experiment, Profile, records),
        };
        var verdict = File.Exists(KvmVerdictFile) ? KvmVerdict.Load(KvmVerdictFile) : null;
        var text = TemplateRenderer.Render(Template, model, new Dictionary<string, object?>
        {
            ["kvm_available"] = verdict?.Available,
            ["kvm_reason"] = verdict?.ShortReason,
            ["kvm_console"] = verdict?.SerialTail.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim(),
            ["records_file"] = Path.GetFileName(RecordsFile),
            ["missing_cells"] = RecordFiles.Length - present.Count,
        });
        AtomicFile.WriteAllText(SummaryFile, text);
    }
}
