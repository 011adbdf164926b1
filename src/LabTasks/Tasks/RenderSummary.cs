using Microsoft.Build.Framework;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>Merges an experiment's cell records into records.ndjson and renders summary.md from them.</summary>
public sealed class RenderSummary : LabTask
{
    [Required] public string Experiment { get; set; } = "";
    [Required] public string Profile { get; set; } = "";
    [Required] public ITaskItem[] RecordFiles { get; set; } = [];
    [Required] public string Template { get; set; } = "";
    [Required] public string RecordsFile { get; set; } = "";
    [Required] public string SummaryFile { get; set; } = "";
    public string KvmVerdictFile { get; set; } = "";

    protected override void Run()
    {
        var present = RecordFiles.Select(f => f.ItemSpec).Where(File.Exists).ToList();
        var records = RecordFile.ReadAll(present);
        RecordFile.Write(RecordsFile, records);
        object model = MigrationSummary.IsMigration(records) ? MigrationSummary.From(Experiment, Profile, records)
            : records.Any(r => r.Label("tool") is "iperf2" or "iperf3") ? IperfSummary.From(Experiment, Profile, records)
            : SysbenchSummary.From(Experiment, Profile, records);
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
