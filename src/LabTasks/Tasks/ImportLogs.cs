using Microsoft.Build.Framework;
using VirtLab.Report;

namespace VirtLab.Tasks;

/// <summary>
/// Imports hand-measured logs (sysbench, iperf 2, iperf3 -J; one run per file, labelled by a
/// sidecar or the file name) into results/imported/records.ndjson. The logic is in <see cref="LogImport"/>.
/// </summary>
public sealed class ImportLogs : LabTask
{
    [Required] public string Directory { get; set; } = "";
    [Required] public string OutputDirectory { get; set; } = "";

    [Output] public string RecordsFile { get; private set; } = "";

    protected override void Run()
    {
        var logs = LogImport.ImportDirectory(Directory);
        RecordsFile = LogImport.Write(OutputDirectory, logs);
        foreach (var machine in logs.GroupBy(l => l.Labels.Machine))
            Log.LogMessage(MessageImportance.High, $"VirtLab: imported {machine.Count()} log(s) from machine '{machine.Key}' ("
                + string.Join(", ", machine.GroupBy(l => l.Kind).Select(k => $"{k.Count()} {k.Key}")) + $") into {RecordsFile}");
    }
}
