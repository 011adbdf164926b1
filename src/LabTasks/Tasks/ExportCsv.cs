using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using VirtLab.Report;

namespace VirtLab.Tasks;

/// <summary>Writes records.csv beside each records.ndjson (columns: time, metric, value, unit, one per label).</summary>
public sealed class ExportCsv : LabTask
{
    [Required] public ITaskItem[] RecordFiles { get; set; } = [];

    [Output] public ITaskItem[] CsvFiles { get; private set; } = [];

    protected override void Run()
    {
        var written = new List<ITaskItem>();
        foreach (var file in RecordFiles.Select(f => f.GetMetadata("FullPath")).Where(File.Exists))
        {
            Cancellation.ThrowIfCancellationRequested();
            written.Add(new TaskItem(ReportCsv.Export(file)));
        }
        CsvFiles = written.ToArray();
    }
}
