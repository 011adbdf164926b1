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
            Write(cell, Experiment, Profile, HostFingerprint, reason, labels =>
            {
                // The QEMU build the cell would have run on (KVM's verdict is the installed QEMU's).
                if (cell.GetMetadata("QemuBuild") is { Length: > 0 } build) labels["qemu_build"] = build;
                labels["qemu_version"] = verdict.QemuVersion;
            });
        Log.LogMessage(MessageImportance.High, $"VirtLab: {Cells.Length} KVM cell(s) recorded as unavailable — {reason}");
    }

    /// <summary>
    /// A cell's one unavailable record: what it would have measured (its NIC and direction, or its
    /// scenario), its headline metric with no value, and why; <paramref name="addLabels"/> says where it would have run.
    /// </summary>
    public static void Write(ITaskItem cell, string experiment, string profile, string hostFingerprint, string reason, Action<IDictionary<string, string>>? addLabels = null)
    {
        var labels = CellLabels.For(cell, experiment, profile, hostFingerprint);
        foreach (var (label, metadata) in new[] { ("nic", "Nic"), ("direction", "Direction"), ("scenario", "Scenario") })
            if (cell.GetMetadata(metadata) is { Length: > 0 } value) labels[label] = value;
        labels["status"] = Record.StatusUnavailable;
        labels["reason"] = reason;
        addLabels?.Invoke(labels);
        RecordFile.Write(cell.GetMetadata("ResultFile"),
            [new Record(cell.GetMetadata("HeadlineMetric"), null, cell.GetMetadata("HeadlineUnit"), labels, DateTimeOffset.UtcNow)]);
    }
}
