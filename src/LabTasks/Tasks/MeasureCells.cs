using Microsoft.Build.Framework;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// The "measure" step of the cell skeleton, for the stale cells of one guest session (one boot):
/// each VirtLabMeasurement item (declared by a VirtLab.&lt;Measurement&gt;.targets) names the task
/// that measures its cells and carries that task's parameters as metadata. The task gets the cells
/// (Cells, or Cell once per cell), the lab, the guest and the run's labels the same way.
/// </summary>
public sealed class MeasureCells : LabTask
{
    [Required] public ITaskItem[] Cells { get; set; } = [];
    /// <summary>VirtLabMeasurement items: Include = the cells' Measurement, Task = the task's class, the rest the task's parameters (but <see cref="SkeletonMetadata"/>).</summary>
    [Required] public ITaskItem[] Measurements { get; set; } = [];
    [Required] public string Experiment { get; set; } = "";
    [Required] public string Profile { get; set; } = "";
    [Required] public string HostFingerprint { get; set; } = "";
    public string Namespace { get; set; } = "";
    public ITaskItem? Guest { get; set; }
    /// <summary>The QEMU build the session's guest runs on (a VirtLabQemu item), passed on to tasks that take Qemu.</summary>
    public ITaskItem? Qemu { get; set; }
    public string GuestName { get; set; } = "";
    public string Accel { get; set; } = "";
    public string NicModel { get; set; } = "";
    public string SerialLog { get; set; } = "";
    /// <summary>The session's guest variant (a migration scenario's KernelArguments, TcgThreads, CpuModel; empty: lab.yaml's guest), passed on to tasks that boot or migrate it.</summary>
    public string KernelArguments { get; set; } = "";
    public string TcgThreads { get; set; } = "";
    public string CpuModel { get; set; } = "";
    /// <summary>The session's migration scenario (for the variant's errors).</summary>
    public string Scenario { get; set; } = "";

    /// <summary>A lab.yaml host the session's cells run on (cell metadata Host); empty: this machine.</summary>
    public string Host { get; set; } = "";
    /// <summary>The guest a remote session boots on <see cref="Host"/> (empty: its cells run on the host itself).</summary>
    public string RemoteGuestName { get; set; } = "";
    /// <summary>lab.yaml, for <see cref="Host"/>'s address and pinned key.</summary>
    public string LabFile { get; set; } = "";
    /// <summary>The network namespace SSH sessions to hosts leave from (empty: this one).</summary>
    public string HostsNamespace { get; set; } = "";

    /// <summary>Metadata of a VirtLabMeasurement item that the skeleton reads, not the task.</summary>
    public static readonly string[] SkeletonMetadata = ["Task", "CellsTarget", "Directions", "CellPrefix", "StampParameters", "HeadlineMetric", "HeadlineUnit"];

    private ITask? _running;

    public override void Cancel()
    {
        base.Cancel();
        (_running as ICancelableTask)?.Cancel();
    }

    protected override void Run()
    {
        if (Host.Length == 0)
        {
            Measure(null);
            return;
        }
        using var session = OpenRemote();
        if (session.BootFailure is { } failure)
        {
            RecordRemoteUnavailable(session, failure);
            return;
        }
        Measure(session);
    }

    /// <summary>The session on <see cref="Host"/>: an isolated lab there and, for guest cells, the guest booted there.</summary>
    private Remote.RemoteGuestSession OpenRemote()
    {
        var lab = Config.LabConfigLoader.Load(LabFile);
        var labGuest = Guest is null ? null : LabGuest.From(Guest);
        var spec = RemoteGuestName.Length == 0 || labGuest is null ? null
            : labGuest.Spec(RemoteGuestName, Accel, NicModel.Length > 0 ? NicModel : "virtio-net-pci", labGuest.SerialLog($"{Host}-{RemoteGuestName}"));
        // Cells on the host itself run its tools there; guest cells need only what a guest needs.
        var tools = spec is null ? Cells.Select(c => c.GetMetadata("HostTool")).Where(t => t.Length > 0).Distinct() : [];
        Log.LogMessage(MessageImportance.High, $"VirtLab: host {Host}: {(spec is null ? "cells on the host itself" : $"a {Accel} guest ({RemoteGuestName})")}");
        return Remote.RemoteGuestSession.Open(lab, Host, new Remote.RemoteHostOptions { Namespace = HostsNamespace }, spec,
            labGuest?.PrivateKeyFile ?? "", labGuest?.HostKeyFile ?? "", tools, TimeSpan.FromSeconds(labGuest?.BootTimeoutSeconds ?? 120), Cancellation,
            message => Log.LogMessage(MessageImportance.High, "VirtLab: " + message));
    }

    /// <summary>Cells whose guest did not boot on their host (a KVM guest where KVM does not work there): recorded as unavailable, with why.</summary>
    private void RecordRemoteUnavailable(Remote.RemoteGuestSession session, string failure)
    {
        foreach (var cell in Cells)
            RecordUnavailable.Write(cell, Experiment, Profile, HostFingerprint, failure, session.AddLabels);
        Log.LogMessage(MessageImportance.High, $"VirtLab: {Cells.Length} cell(s) on host {Host} recorded as unavailable — {failure}");
    }

    private void Measure(Remote.RemoteGuestSession? remote)
    {
        var known = Measurements.Select(m => m.ItemSpec).ToHashSet();
        if (Cells.FirstOrDefault(c => !known.Contains(c.GetMetadata("Measurement"))) is { } orphan)
            throw new LabException(LabCodes.ConfigBadValue, $"Cell '{orphan.ItemSpec}' has Measurement '{orphan.GetMetadata("Measurement")}', which no VirtLabMeasurement item declares.",
                "declare <VirtLabMeasurement Include=\"…\" Task=\"…\" /> in the measurement's VirtLab.<Measurement>.targets.");
        foreach (var measurement in Measurements)
        {
            var cells = Cells.Where(c => c.GetMetadata("Measurement") == measurement.ItemSpec).ToArray();
            if (cells.Length == 0) continue;
            var type = typeof(MeasureCells).Assembly.GetType("VirtLab.Tasks." + measurement.GetMetadata("Task")) is { } t && typeof(ITask).IsAssignableFrom(t) && !t.IsAbstract ? t
                : throw new LabException(LabCodes.ConfigBadValue, $"VirtLabMeasurement '{measurement.ItemSpec}' names Task '{measurement.GetMetadata("Task")}', which VirtLab does not have.",
                    "name a task class of src/LabTasks/Tasks (e.g. RunIperf).");
            var perCell = !TaskParameters.Has(type, nameof(Cells));
            foreach (var batch in perCell ? cells.Select(c => new[] { c }) : [cells])
            {
                Cancellation.ThrowIfCancellationRequested();
                var task = Create(type);
                TaskParameters.Set(task, perCell ? "Cell" : nameof(Cells), batch);
                foreach (var (name, value) in Common())
                    if (value.Length > 0) TaskParameters.TrySet(task, name, value);
                if (Guest is not null) TaskParameters.TrySet(task, nameof(Guest), Guest);
                if (remote is not null)
                {
                    if (task is not MeasuringTask { RunsRemotely: true } measuring)
                        throw new LabException(LabCodes.ConfigBadValue, $"Cells of measurement '{measurement.ItemSpec}' cannot run on host '{Host}': {type.Name} runs on this machine only.",
                            "leave Host off these cells (remote hosts run sysbench cells and migrations between hosts).");
                    measuring.Remote = remote;
                }
                if (Qemu is not null) TaskParameters.TrySet(task, nameof(Qemu), Qemu);
                foreach (var name in measurement.CloneCustomMetadata().Keys.Cast<string>().Where(n => !SkeletonMetadata.Contains(n)))
                    TaskParameters.Set(task, name, measurement.GetMetadata(name));
                _running = task;
                var succeeded = task.Execute();
                _running = null;
                if (!succeeded)
                {
                    MarkFailed();
                    return;
                }
            }
        }
    }

    private ITask Create(Type type)
    {
        var task = (ITask)Activator.CreateInstance(type)!;
        task.BuildEngine = BuildEngine;
        task.HostObject = HostObject;
        return task;
    }

    private IEnumerable<(string Name, string Value)> Common() =>
    [
        (nameof(Experiment), Experiment), (nameof(Profile), Profile), (nameof(HostFingerprint), HostFingerprint),
        (nameof(Namespace), Namespace), (nameof(GuestName), GuestName), (nameof(Accel), Accel), (nameof(NicModel), NicModel),
        (nameof(SerialLog), SerialLog), (nameof(KernelArguments), KernelArguments), (nameof(TcgThreads), TcgThreads), (nameof(CpuModel), CpuModel),
        (nameof(Scenario), Scenario),
    ];
}
