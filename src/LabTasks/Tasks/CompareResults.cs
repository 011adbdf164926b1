using Microsoft.Build.Framework;
using VirtLab.Compare;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// -p:CompareWith: this run's records against an earlier run's (a results folder or a
/// records.ndjson), written as compare.md — benchstat for experiments. The logic is in
/// <see cref="ResultsComparison"/>.
/// </summary>
public sealed class CompareResults : LabTask
{
    /// <summary>This run's records.ndjson files; missing ones are skipped (an experiment not measured yet).</summary>
    [Required] public ITaskItem[] RecordFiles { get; set; } = [];

    [Required] public string CompareWith { get; set; } = "";
    [Required] public string Template { get; set; } = "";
    [Required] public string OutputFile { get; set; } = "";

    /// <summary>This run's profile: a results folder's records of the same profile are preferred.</summary>
    public string Profile { get; set; } = "";

    protected override void Run()
    {
        var current = RecordFile.ReadAll(RecordFiles.Select(f => f.GetMetadata("FullPath")).Where(File.Exists));
        var baseline = ComparisonSource.Read(CompareWith, Profile.Length == 0 ? null : Profile);
        var comparison = ResultsComparison.Of(CompareWith, baseline, "this run", current);
        var page = new ComparisonPage($"Compared with {Path.GetFileName(CompareWith.TrimEnd('/'))}", comparison);
        AtomicFile.WriteAllText(OutputFile, TemplateRenderer.Render(Template, page));
        Log.LogMessage(MessageImportance.High,
            $"VirtLab: compared with {CompareWith}: {comparison.Better} better, {comparison.Worse} worse, {comparison.Unchanged} ~ of {comparison.Rows.Count} — {OutputFile}");
    }
}
