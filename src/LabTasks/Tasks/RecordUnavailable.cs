using Microsoft.Build.Framework;
using VirtLab.Qemu;
using VirtLab.Records;

namespace VirtLab.Tasks;

/// <summary>
/// Writes the records of cells that cannot be measured here (KVM rows where KVM does not work):
/// one record per cell with status "unavailable" and the probe's reason, so a report can say why.
/// The record's metric and unit are the cell's HeadlineMetric and HeadlineUnit.
/// </summary>
public sealed class RecordUnavailable : LabTask
{
    [Required] public ITaskItem[] Cells { get; set; } = [];
    [Required] public string Experiment { get; set; } = "";
    [Required] public string VerdictFile { get; set; } = "";
    [Required] public string HostFingerprint { get; set; } = "";
    public string Profile { get; set; } = "default";

    protected override void Run()
    {
        var verdict = KvmVerdict.Load(VerdictFile);
        var lastConsoleLine = verdict.SerialTail.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
        var reason = "KVM unavailable: " + verdict.ShortReason + (lastConsoleLine is null ? "" : $" The guest's console stopped at: '{lastConsoleLine}'.");
        foreach (var cell in Cells)
        {
            var labels = CellLabels.For(cell, Experiment, Profile, HostFingerprint);
            // What the cell would have measured: its NIC and direction, or its scenario, and its QEMU build.
            foreach (var (label, metadata) in new[] { ("nic", "Nic"), ("direction", "Direction"), ("scenario", "Scenario"), ("qemu_build", "QemuBuild") })
                if (cell.GetMetadata(metadata) is { Length: > 0 } value) labels[label] = value;
            labels["status"] = Record.StatusUnavailable;
            labels["reason"] = reason;
            labels["qemu_version"] = verdict.QemuVersion;
            RecordFile.Write(cell.GetMetadata("ResultFile"),
                [new Record(cell.GetMetadata("HeadlineMetric"), null, cell.GetMetadata("HeadlineUnit"), labels, DateTimeOffset.UtcNow)]);
        }
        Log.LogMessage(MessageImportance.High, $"VirtLab: {Cells.Length} KVM cell(s) recorded as unavailable — {reason}");
    }
}
