using System.Globalization;
using Microsoft.Build.Framework;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// What every live-migration task shares: the scenario's plan from the cell's metadata, the
/// workloads, the records' labels, and what is done with the runs (records written atomically,
/// integrity failures counted or made an error, a scenario the QEMU build cannot run recorded as
/// unavailable). <see cref="LiveMigrate"/> migrates within the lab namespace,
/// <see cref="MigrateBetweenHosts"/> between two hosts.
/// </summary>
/// <remarks>
/// A scenario (a cell): for each of its workloads a baseline without migration, then the workload
/// across a migration to a new QEMU (on the same bridge, or on the other host), with ping,
/// announce capture, FDB, SSH and stream evidence and an integrity check of the guest afterwards. Writes the cell's records atomically; a guest that
/// fails its integrity check is LAB0044 and its records are kept aside (raw/), never as a result.
/// The guest runs the scenario's variant (KernelArguments, TcgThreads, CpuModel: the cell's
/// metadata, passed to BootGuest and, through MeasureCells, to this task), on every generation.
/// </remarks>
public abstract class MigrationTask : GuestTaskBase
{
    /// <summary>The guest the scenario starts with (e.g. mig-0); migrations go to mig-1, mig-2 …</summary>
    [Required] public string GuestName { get; set; } = "";
    /// <summary>The scenario: metadata Workloads, Capabilities, DowntimeLimitMs, MaxBandwidthMiB, XbzrleCacheMiB, MultifdChannels, ZeroPageDetection, DirtyLimitMiBps, DirtyLimitPeriodMs, DeadlineSeconds, DeadlineAtMostSeconds, Fault, FaultAfterSeconds, Repeats, AfterIntegrityFailure, ResultFile.</summary>
    [Required] public ITaskItem Cell { get; set; } = null!;
    [Required] public string Experiment { get; set; } = "";
    [Required] public string HostFingerprint { get; set; } = "";
    public string Profile { get; set; } = "default";
    /// <summary>The accelerator the session's guest was booted with (the cell's Accel).</summary>
    public string Accel { get; set; } = "tcg";

    // The targets pass lab.yaml's values; a task built without them gets lab.yaml's defaults.
    private static readonly Config.MigrationConfig MigrationDefaults = new();
    private static readonly Config.SysbenchConfig SysbenchDefaults = new();

    public int DeadlineSeconds { get; set; } = MigrationDefaults.DeadlineSeconds;
    public int SampleMilliseconds { get; set; } = MigrationDefaults.SampleMilliseconds;
    public int PingIntervalMilliseconds { get; set; } = MigrationDefaults.PingIntervalMilliseconds;
    public int IperfIntervalMilliseconds { get; set; } = MigrationDefaults.IperfIntervalMilliseconds;
    public int BaselineSeconds { get; set; } = MigrationDefaults.BaselineSeconds;
    public int LeadSeconds { get; set; } = MigrationDefaults.LeadSeconds;
    public int TailSeconds { get; set; } = MigrationDefaults.TailSeconds;
    public int DirtyWorkers { get; set; } = MigrationDefaults.DirtyMemory.Workers;
    public int DirtySizeMiB { get; set; } = MigrationDefaults.DirtyMemory.SizeMiB;
    public string DirtyMethod { get; set; } = MigrationDefaults.DirtyMemory.Method;
    public int SysbenchThreads { get; set; } = SysbenchDefaults.Threads;
    public int CpuMaxPrime { get; set; } = SysbenchDefaults.CpuMaxPrime;
    public string MemoryBlockSize { get; set; } = SysbenchDefaults.MemoryBlockSize;
    /// <summary>Migrations per workload (lab.yaml migration.repeats); a scenario's Repeats metadata overrides it, a fault scenario runs once.</summary>
    public int Repeats { get; set; } = MigrationDefaults.Repeats;
    /// <summary>Fail the cell when any migration's guest fails its integrity check, instead of counting it (LAB0044 warning).</summary>
    public bool RequireIntegrity { get; set; }

    /// <summary>Runs the scenario on <paramref name="sites"/>, whose guest <see cref="GuestName"/> runs as <paramref name="spec"/>, and writes its records.</summary>
    /// <returns>The generation that runs the guest at the end.</returns>
    protected string Measure(IScenarioSites sites, GuestSpec spec, ScenarioPlan plan, string scenario)
    {
        var resultFile = Cell.GetMetadata("ResultFile");
        var rawDirectory = Path.Combine(Path.GetDirectoryName(resultFile)!, "raw");
        // A scenario run under another accelerator or QEMU build (cell dirty-postcopy-debian-backports)
        // keeps its raw outputs apart: raw/debian-backports/dirty-postcopy/.
        var cellName = Path.GetFileNameWithoutExtension(resultFile);
        if (cellName.Length > scenario.Length + 1 && cellName.StartsWith(scenario + "-", StringComparison.Ordinal))
            rawDirectory = Path.Combine(rawDirectory, cellName[(scenario.Length + 1)..]);
        var runner = new MigrationScenarioRunner(sites, Workloads(), rawDirectory,
            message => Log.LogMessage(MessageImportance.High, "VirtLab: " + message),
            TimeSpan.FromSeconds(TimeoutSeconds > 0 ? TimeoutSeconds : LabGuest.BootTimeoutSeconds));
        // A scenario the QEMU build cannot run (a feature it lacks or refuses) is recorded as unavailable, not measured.
        var (features, unavailable) = runner.CheckFeatures(plan, GuestName);
        Log.LogMessage(MessageImportance.Normal, $"VirtLab: {scenario}: {features.Describe()}");
        var labels = BaseLabels(spec);
        AddSiteLabels(labels, features);
        List<MigrationRun> runs = [];
        try
        {
            if (unavailable is null) runs = runner.Run(plan, spec, Cancellation);
        }
        catch (MigrationUnavailableException e)
        {
            unavailable = e.Unavailable;
        }
        var current = CurrentOf(sites);
        if (unavailable is not null)
        {
            WriteUnavailable(plan, scenario, unavailable, labels);
            return current;
        }

        var records = runs.SelectMany(r => MigrationRecords.From(r, plan.Settings, RunLabels(labels, r, sites))).ToList();
        var failed = runs.Where(r => r.Integrity.Failed).ToList();
        foreach (var run in runs.Where(r => r.Integrity.GuestLost))
            Log.LogMessage(MessageImportance.High, $"VirtLab: {scenario} migration {run.Index} ({run.Workload}): {run.Migration.Outcome}; the guest was lost, as the fault '{run.Migration.Fault}' makes it ({run.Migration.FailureReason}).");
        foreach (var run in runs.Where(r => r.Integrity.Passed))
            Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture,
                $"VirtLab: {scenario} migration {run.Index} ({run.Workload}): {run.Migration.Outcome}{(run.Migration.Fault is { } f ? $" ({f}, guest {run.Migration.GuestOutcome})" : "")}; guest verified (pattern, kernel log{(run.Workload.Contains("dirty-memory", StringComparison.Ordinal) ? ", stress-ng --verify" : "")})."));
        foreach (var run in runs)
            if (MigrationTimeOrder.Warning(run) is { } disorder)
                LogLabWarning(LabCodes.MigrationTimesOutOfOrder, disorder);
        records.AddRange(MigrationRecords.IntegrityFailures(runs, labels, scenario));
        if (runs.Count < plan.PlannedMigrations && plan.Fault is null)
            Log.LogMessage(MessageImportance.High, $"VirtLab: {scenario}: {runs.Count} of {plan.PlannedMigrations} planned migrations were measured.");
        if (failed.Count == 0)
        {
            RecordFile.Write(resultFile, records);
            return current;
        }

        // Each failed migration is counted and left out of the figures (its records say integrity = failed);
        // the scenario's other migrations stay valid — unless the build asks for every guest to be intact.
        var checkedRuns = runs.Count(r => !r.Integrity.GuestLost);
        var rate = Stats.Proportion.Of(failed.Count, checkedRuns);
        var summary = $"Scenario '{scenario}': GUEST INTEGRITY CHECK FAILED after {failed.Count} of {checkedRuns} migrations (95 % CI of the rate {rate.IntervalText}): "
            + string.Join(" | ", failed.Select(r => $"migration {r.Index} ({r.Workload}, {r.Migration.Source} → {r.Migration.Destination}): {string.Join("; ", r.Integrity.Findings.Take(3))}"));
        if (!RequireIntegrity)
        {
            RecordFile.Write(resultFile, records);
            LogLabWarning(LabCodes.IntegrityFailed, summary + ". Their figures are left out of the summaries and counted as integrity failures; -p:RequireIntegrity=true makes this an error.");
            return current;
        }
        var aside = Path.Combine(rawDirectory, scenario + ".integrity-failed.ndjson");
        RecordFile.Write(aside, records);
        LogLabError(new LabException(LabCodes.IntegrityFailed, summary + $". Records kept aside in {aside}.",
            "boot migrated guests with pti=on under TCG (VirtLab does), read the guest's dmesg in raw/, and build again; without -p:RequireIntegrity=true such migrations are counted and left out of the figures."));
        return current;
    }

    private int? Seconds(string scenario, string metadata) => Cell.GetMetadata(metadata) is { Length: > 0 } d
        ? int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 3600 ? seconds
            : throw new LabException(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}': {metadata} '{d}' is not 1–3600.", $"give whole seconds, or leave {metadata} empty for lab.yaml's migration.deadlineSeconds.")
        : null;

    protected ScenarioPlan Plan(string scenario)
    {
        // A scenario may need longer than the profile's deadline to show its effect (auto-converge throttles step by step),
        // or less: one that is there to show a migration not converging shows it well before a long deadline.
        var deadline = Seconds(scenario, "DeadlineSeconds") ?? DeadlineSeconds;
        if (Seconds(scenario, "DeadlineAtMostSeconds") is { } atMost) deadline = Math.Min(deadline, atMost);
        var settings = MigrationSettings.Parse(scenario, Cell.GetMetadata("Capabilities"), Cell.GetMetadata("DowntimeLimitMs"), Cell.GetMetadata("MaxBandwidthMiB"),
            Cell.GetMetadata("XbzrleCacheMiB"), Cell.GetMetadata("MultifdChannels"), TimeSpan.FromSeconds(deadline), TimeSpan.FromMilliseconds(SampleMilliseconds),
            Cell.GetMetadata("ZeroPageDetection"), Cell.GetMetadata("DirtyLimitMiBps"), Cell.GetMetadata("DirtyLimitPeriodMs"));
        var workloads = Cell.GetMetadata("Workloads").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (workloads.Count == 0) workloads.Add("idle");
        foreach (var w in workloads)
            if (!WorkloadOptions.Names.Contains(w))
                throw new LabException(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}': '{w}' is not a workload.", $"use any of {string.Join(", ", WorkloadOptions.Names)} in Workloads.");
        var fault = MigrationFault.Parse(scenario, Cell.GetMetadata("Fault"), Cell.GetMetadata("FaultAfterSeconds"), settings);
        var repeats = Cell.GetMetadata("Repeats") is { Length: > 0 } r
            ? int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000 ? n
                : throw new LabException(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}': Repeats '{r}' is not 1–1000.", "give a whole number of migrations per workload, or leave it empty for lab.yaml's migration.repeats.")
            : Repeats;
        var afterFailure = IntegrityFailurePolicy.Parse(scenario, Cell.GetMetadata("AfterIntegrityFailure"));
        // A fault changes what the guest is (lost, or left on the source after a failure): it is injected once.
        return new ScenarioPlan(scenario, workloads, settings, fault, TimeSpan.FromSeconds(BaselineSeconds), TimeSpan.FromSeconds(LeadSeconds),
            TimeSpan.FromSeconds(TailSeconds), TimeSpan.FromMilliseconds(PingIntervalMilliseconds), fault is null ? repeats : 1, afterFailure);
    }

    /// <summary>
    /// SSH sessions and forwarders keep thread-pool threads busy; a starved pool would delay
    /// everything else by the pool's thread-injection pauses.
    /// </summary>
    protected static void WidenThreadPool()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }

    /// <summary>Records the scenario as unavailable (what it needs and why it is not there) instead of measuring it.</summary>
    protected void WriteUnavailable(ScenarioPlan plan, string scenario, MigrationUnavailable unavailable, IReadOnlyDictionary<string, string> labels)
    {
        RecordFile.Write(Cell.GetMetadata("ResultFile"), MigrationRecords.Unavailable(plan, unavailable, labels,
            Cell.GetMetadata("HeadlineMetric") is { Length: > 0 } metric ? metric : MigrationRecords.HeadlineMetric,
            Cell.GetMetadata("HeadlineUnit") is { Length: > 0 } unit ? unit : MigrationRecords.HeadlineUnit));
        Log.LogMessage(MessageImportance.High, $"VirtLab: {scenario}: unavailable on QEMU {unavailable.QemuVersion} (QEMU build '{labels.GetValueOrDefault("qemu_build", QemuBinary.Build)}', {Accel}): {unavailable.Reason} Recorded as unavailable, not measured.");
    }

    /// <summary>The labels every record of the scenario carries, before the site's own (<see cref="AddSiteLabels"/>).</summary>
    protected SortedDictionary<string, string> ScenarioLabels(GuestSpec spec) => BaseLabels(spec);

    /// <summary>Labels that depend on where the scenario ran (a remote host's QEMU version, the hosts' names); none here.</summary>
    protected virtual void AddSiteLabels(IDictionary<string, string> labels, MigrationFeatures features) { }

    /// <summary>The labels of one migration's records: the scenario's, plus (between hosts) which host it went from and to.</summary>
    protected virtual IReadOnlyDictionary<string, string> RunLabels(IReadOnlyDictionary<string, string> labels, MigrationRun run, IScenarioSites sites) => labels;

    /// <summary>The generation that runs the guest now (where the sites keep it).</summary>
    protected abstract string CurrentOf(IScenarioSites sites);

    /// <summary>The cell's scenario name: its Scenario metadata, else its stamp's file name.</summary>
    protected string ScenarioName() =>
        Cell.ItemSpec.Length > 0 && Cell.GetMetadata("Scenario") is { Length: > 0 } s ? s : Path.GetFileNameWithoutExtension(Cell.ItemSpec);

    /// <summary>Warns (LAB0044) when the guest boots without pti=on, with which QEMU 7.2 under TCG corrupts busy migrated guests.</summary>
    protected void WarnWithoutPti(string scenario, GuestSpec spec)
    {
        if ((spec.ExtraKernelArgs ?? []).Contains("pti=on")) return;
        LogLabWarning(LabCodes.IntegrityFailed, KernelArguments.Length > 0
            ? $"Scenario '{scenario}': its guests boot without pti=on (the scenario's KernelArguments '{KernelArguments}'); QEMU 7.2 under TCG corrupts busy guests migrated that way."
            : $"Scenario '{scenario}': the guest was booted without pti=on (lab.yaml guest.kernelArguments); QEMU 7.2 under TCG corrupts busy guests migrated that way.",
            null);
    }

    private WorkloadOptions Workloads() => new(SysbenchThreads, CpuMaxPrime, MemoryBlockSize, DirtyWorkers, DirtySizeMiB, DirtyMethod,
        IperfIntervalMilliseconds / 1000.0);

    private SortedDictionary<string, string> BaseLabels(GuestSpec spec)
    {
        var inv = CultureInfo.InvariantCulture;
        var labels = new SortedDictionary<string, string>
        {
            ["experiment"] = Experiment,
            ["profile"] = Profile,
            ["host_fingerprint"] = HostFingerprint,
            ["accel"] = Accel,
            ["nic"] = NicModel,
            ["ping_interval_ms"] = PingIntervalMilliseconds.ToString(inv),
        };
        LabGuest.AddLabels(labels);
        // After the guest item's labels: the scenario's variant replaces guest_kernel_args and adds tcg_threads and cpu_model.
        GuestVariant.AddLabels(labels, spec);
        QemuBinary.AddLabels(labels);
        Host.HostMachine.Current.AddLabels(labels);
        return labels;
    }
}
