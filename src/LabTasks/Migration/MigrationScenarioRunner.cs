using System.Globalization;
using System.Text.Json;
using VirtLab.Lab;
using VirtLab.Qemu;
using VirtLab.Ssh;
using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// Runs a <see cref="ScenarioPlan"/> on a running lab guest. Between migrations the guest keeps
/// running on whichever QEMU won; each migration goes to the next generation (mig-0 → mig-1 …),
/// on a tap of its own with the same MAC. Raw outputs go to <paramref name="rawDirectory"/>.
/// A guest that fails its integrity check ends the scenario, or (AfterIntegrityFailure=reboot) is
/// stopped and replaced by a fresh guest of the same spec booted as the next generation.
/// </summary>
/// <param name="bootTimeout">How long a guest booted afresh after a corrupted one may take to answer SSH (lab.yaml guest.bootTimeoutSeconds).</param>
public sealed class MigrationScenarioRunner(IScenarioSites sites, WorkloadOptions workloads, string rawDirectory, Action<string>? log = null,
    TimeSpan? bootTimeout = null) : MigrationScenarioRunner.IScenarioSteps
{
    /// <summary>A scenario in one lab namespace (<see cref="NamespaceSites"/>).</summary>
    public MigrationScenarioRunner(LabState lab, string privateKeyFile, string hostKeyFile, WorkloadOptions workloads, string rawDirectory, Action<string>? log = null,
        TimeSpan? bootTimeout = null)
        : this(new NamespaceSites(lab, new GuestLauncher(lab, privateKeyFile, hostKeyFile)), workloads, rawDirectory, log, bootTimeout) { }

    /// <summary>The steps a scenario is made of (a seam: tests drive <see cref="Run(ScenarioPlan, GuestSpec, IScenarioSteps, Action{string}, CancellationToken)"/> with fakes).</summary>
    internal interface IScenarioSteps
    {
        WorkloadRun Baseline(ScenarioPlan plan, string workload, GuestSpec guest, CancellationToken cancel);
        MigrationRun Migrate(ScenarioPlan plan, int index, string workload, GuestSpec source, WorkloadRun? baseline, CancellationToken cancel);
        bool IsRunning(string guest);
        /// <summary>Stops <paramref name="corrupted"/> (and removes its tap) and boots <paramref name="fresh"/> on its own tap; false when it did not boot.</summary>
        bool Reboot(ScenarioPlan plan, GuestSpec corrupted, GuestSpec fresh, CancellationToken cancel);
    }

    /// <param name="running">The spec the running guest was started with (its Name is the running generation).</param>
    public List<MigrationRun> Run(ScenarioPlan plan, GuestSpec running, CancellationToken cancel)
    {
        sites.SetCurrent(running.Name);
        return Run(plan, running, this, Log, cancel);
    }

    /// <summary>The scenario's loop: which migration runs on which guest, and what happens after a corrupted one.</summary>
    internal static List<MigrationRun> Run(ScenarioPlan plan, GuestSpec running, IScenarioSteps steps, Action<string> log, CancellationToken cancel)
    {
        var runs = new List<MigrationRun>();
        var current = running;
        var boot = 1;
        foreach (var workload in plan.Workloads)
        {
            cancel.ThrowIfCancellationRequested();
            var baseline = workload == "idle" ? null : steps.Baseline(plan, workload, current, cancel);
            for (var repeat = 1; repeat <= plan.Repeats; repeat++)
            {
                cancel.ThrowIfCancellationRequested();
                var run = steps.Migrate(plan, runs.Count + 1, workload, current, baseline, cancel) with { GuestBoot = boot };
                runs.Add(run);
                current = SpecFor(current, run.Migration.CurrentGuest, null);
                if (run.Integrity.Failed && plan.AfterIntegrityFailure == AfterIntegrityFailure.Reboot)
                {
                    // The last migration needs no fresh guest: the session's StopGuest stops the corrupted one.
                    if (runs.Count >= plan.PlannedMigrations) return runs;
                    // The next generation after the newest name this scenario used: a migration that did not complete
                    // leaves the guest on its source, and its destination's serial log is evidence not to overwrite.
                    var fresh = SpecFor(current, GuestIdentity.Next(run.Migration.Destination), null);
                    log($"{plan.Scenario}: migration {run.Index} left a guest that failed its integrity check; {current.Name} is stopped and a fresh guest ({fresh.Name}) boots for the scenario's remaining {plan.PlannedMigrations - runs.Count} migrations (AfterIntegrityFailure=reboot).");
                    if (!steps.Reboot(plan, current, fresh, cancel))
                    {
                        log($"{plan.Scenario}: the fresh guest {fresh.Name} did not boot; the scenario's remaining migrations are not measured.");
                        return runs;
                    }
                    current = fresh;
                    boot++;
                    continue;
                }
                if (!steps.IsRunning(current.Name))
                {
                    log($"{plan.Scenario}: the guest ({current.Name}) is no longer running; the scenario's remaining migrations are not measured.");
                    return runs;
                }
                // A corrupted guest is not migrated again: its next migrations would measure the corruption.
                if (run.Integrity.Failed)
                {
                    log($"{plan.Scenario}: migration {run.Index} left a guest that failed its integrity check; the scenario's remaining migrations are not measured (AfterIntegrityFailure=reboot would boot a fresh guest and go on).");
                    return runs;
                }
            }
        }
        return runs;
    }

    /// <summary>
    /// Before the scenario's first migration: what the source's QEMU build offers, and whether it
    /// takes the scenario's capabilities and parameters (<see cref="MigrationFeatures.Check"/>).
    /// </summary>
    public (MigrationFeatures Features, MigrationUnavailable? Unavailable) CheckFeatures(ScenarioPlan plan, string source)
    {
        using var qmp = sites.Qmp(source, outOfBand: false);
        return MigrationFeatures.Check(qmp, plan.Settings);
    }

    bool IScenarioSteps.IsRunning(string guest) => sites.IsRunning(guest);

    WorkloadRun IScenarioSteps.Baseline(ScenarioPlan plan, string workload, GuestSpec guest, CancellationToken cancel) => Baseline(plan, workload, guest, cancel);

    MigrationRun IScenarioSteps.Migrate(ScenarioPlan plan, int index, string workload, GuestSpec source, WorkloadRun? baseline, CancellationToken cancel) =>
        MigrateUnderLoad(plan, index, workload, source, baseline, cancel);

    bool IScenarioSteps.Reboot(ScenarioPlan plan, GuestSpec corrupted, GuestSpec fresh, CancellationToken cancel)
    {
        // Whatever still runs the corrupted guest (a panicked guest's QEMU has ended on its own: -no-reboot).
        sites.Stop(corrupted.Name);
        sites.DeleteTap(corrupted);
        sites.DeleteTap(fresh);
        sites.AddTap(fresh);
        var outcome = sites.Boot(fresh, bootTimeout ?? TimeSpan.FromSeconds(120), cancel);
        if (!outcome.Ready)
        {
            Log($"{plan.Scenario}: {fresh.Name} did not boot: {outcome.Detail} {outcome.SerialTail}");
            sites.Stop(fresh.Name);
            sites.DeleteTap(fresh);
            return false;
        }
        sites.SetCurrent(fresh.Name);
        Log(string.Create(CultureInfo.InvariantCulture, $"{plan.Scenario}: {fresh.Name} answered SSH {outcome.Seconds:0.0} s after QEMU started."));
        return true;
    }

    /// <summary>
    /// The switch-over's steps from both QEMUs' trace logs (the source has quit, so its log is
    /// complete), and those trace lines as raw evidence ("source |" / "destination |" prefixed).
    /// </summary>
    private (SwitchoverBreakdown?, string) Switchover(MigrationResult result, GuestSpec source, GuestSpec destination)
    {
        if (!result.Completed) return (null, "");
        var from = result.StartedAt.AddSeconds(-1);
        var to = result.StartedAt.AddSeconds(result.EndedAfterSeconds + 2);
        var src = sites.Trace(source, from, to);
        var dst = sites.Trace(destination, from, to);
        var raw = string.Join('\n', src.Select(l => ("source", l)).Concat(dst.Select(l => ("destination", l))).OrderBy(x => x.l.Time)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Item1,-11} | {(x.l.Time - result.StartedAt).TotalSeconds,10:0.000000} | {x.l.Event} {x.l.Arguments}")));
        return (SwitchoverBreakdown.From(src, dst, result.StartedAt), raw);
    }

    /// <summary>The spec of another generation of the same guest: same everything, its own name, tap and serial log.</summary>
    public static GuestSpec SpecFor(GuestSpec template, string name, string? incoming) => template with
    {
        Name = name,
        Nics = template.Nics.Select(n => n with { Tap = LabNetwork.TapName(name) }).ToList(),
        SerialLog = Path.Combine(Path.GetDirectoryName(template.SerialLog) ?? ".", name + ".serial.log"),
        // QEMU truncates its -D file when it starts: a destination sharing its source's log would erase the source's trace.
        TraceLog = template.TraceLog is null ? null : Path.Combine(Path.GetDirectoryName(template.TraceLog) ?? ".", name + ".trace.log"),
        Incoming = incoming,
    };

    private WorkloadRun Baseline(ScenarioPlan plan, string workload, GuestSpec guest, CancellationToken cancel)
    {
        Log($"{plan.Scenario}: {workload} baseline ({plan.BaselineDuration.TotalSeconds:0.#} s, no migration)");
        using var ssh = Connect(guest);
        // The same observers as during the migration (ping, capture), so the migration is the only difference.
        using var ping = PingProbe.Start(sites.Observer, guest.Address, plan.PingInterval);
        using var capture = AnnounceCapture.Start(sites.Observer, sites.CaptureFile(Path.Combine(ScenarioRaw(plan.Scenario), $"baseline-{workload}-announce.pcap")), cancel);
        var load = workloads.Create(workload);
        var context = new WorkloadContext(sites.Observer, guest.Address, ssh);
        load.Start(context, cancel);
        cancel.WaitHandle.WaitOne(plan.BaselineDuration);
        cancel.ThrowIfCancellationRequested();
        var run = load.Stop(context, cancel);
        WriteRaw(plan.Scenario, $"baseline-{workload}.txt", run.RawOutput);
        return run;
    }

    private MigrationRun MigrateUnderLoad(ScenarioPlan plan, int index, string workload, GuestSpec source, WorkloadRun? baseline, CancellationToken cancel)
    {
        var destinationName = GuestIdentity.Next(source.Name);
        var destination = sites.Destination(source, destinationName, index);
        var sourceTap = source.Nics[0].Tap;
        var destinationTap = destination.Nics[0].Tap;
        var mac = source.Nics[0].Mac;
        sites.DeleteTap(destination);
        sites.AddTap(destination);

        var prefix = string.Create(CultureInfo.InvariantCulture, $"m{index}-{workload}");
        Log($"{plan.Scenario}: migration {index} ({source.Name} → {destinationName}, {plan.Settings.Describe()}) under {workload}");
        var ssh = Connect(source);
        try
        {
            var pattern = GuestIntegrity.WritePattern(ssh, cancel);
            using var ping = PingProbe.Start(sites.Observer, source.Address, plan.PingInterval);
            var localPcap = Path.Combine(ScenarioRaw(plan.Scenario), prefix + "-announce.pcap");
            var captured = sites.CaptureFile(localPcap);
            using var capture = AnnounceCapture.Start(sites.Observer, captured, cancel);
            var load = workloads.Create(workload);
            load.Start(new WorkloadContext(sites.Observer, source.Address, ssh), cancel);
            cancel.WaitHandle.WaitOne(plan.Lead);
            cancel.ThrowIfCancellationRequested();

            var (fdbBefore, portBefore) = sites.Fdb(source, mac);
            var result = new MigrationRunner(sites).Run(source.Name, destination, plan.Settings, cancel, plan.Fault);
            var (fdbAfter, portAfter) = sites.Fdb(result.Completed ? destination : source, mac);
            Log(string.Create(CultureInfo.InvariantCulture,
                $"{plan.Scenario}: migration {index} {result.Outcome}{(result.Fault is { } f ? $" ({f}: guest {result.GuestOutcome})" : "")} after {result.EndedAfterSeconds:0.00} s{(result.DowntimeMs is { } d ? $", downtime {d:0} ms" : "")}{(result.FailureReason is { } r ? $" ({r})" : "")}"));
            cancel.WaitHandle.WaitOne(plan.Tail);
            cancel.ThrowIfCancellationRequested();

            // The orchestrator's SSH session was opened before the migration: does it still work?
            // (Not asked of a guest the fault took with it: no QEMU runs it, nothing would answer.)
            var current = SpecFor(source, result.CurrentGuest, null);
            var sshKept = !result.GuestLost && Answers(ssh);
            GuestSsh? live = ssh;
            if (!sshKept)
            {
                ssh.Dispose();
                // A guest whose QEMU is gone (a guest panic ends QEMU: -no-reboot, panic=-1) is not waited for.
                live = sites.IsRunning(current.Name) ? TryConnect(current) : null;
                if (live is not null) ssh = live;
            }
            var during = live is null
                ? load.Abandon(result.GuestLost ? (result.Fault is { } lostTo ? $"the guest was lost with its QEMU ({lostTo}), so {workload} could not be stopped or read"
                    : $"the guest's QEMU ended after the migration (the guest crashed), so {workload} could not be stopped or read")
                    : $"the guest did not answer SSH after the migration, so {workload} could not be stopped or read")
                : load.Stop(new WorkloadContext(sites.Observer, source.Address, live), cancel);
            var pings = ping.Stop(result.StartedAt);
            var frames = capture.Stop(result.StartedAt);
            sites.KeepCapture(captured, localPcap);
            sites.DeleteTap(result.Completed ? source : destination);

            var integrityProblems = IntegrityProblems(during);
            // A guest lost to an injected fault is that fault's outcome. One whose destination QEMU
            // ended after a completed migration without a fault crashed (a guest panic ends QEMU:
            // -no-reboot, panic=-1): that is the migration's integrity failure, read from its console.
            var integrity = result.GuestLost && result.Fault is not null
                ? IntegrityReport.Lost($"no QEMU runs the guest after '{result.Fault}': {result.FailureReason}")
                : GuestIntegrity.Check(live is not null && Answers(live) ? live : null, pattern, integrityProblems, sites.SerialLog(current), cancel);
            var (switchover, traceLines) = Switchover(result, source, destination);
            var run = new MigrationRun(plan.Scenario, index, workload, mac, sourceTap, destinationTap, baseline, during, result, pings, frames,
                portBefore, portAfter, sshKept, integrity,
                baseline is null || during.Points.Count == 0 ? null
                    : Disruption.Compute(baseline.Points.Select(p => p.Value).ToList(), Timeline(during, result), during.IntervalSeconds, result.EndedAfterSeconds),
                Switchover: switchover);
            if (switchover is not null) Log($"{plan.Scenario}: migration {index} switch-over: {switchover.Describe()}");
            WriteRawFiles(plan.Scenario, prefix, run, fdbBefore, fdbAfter, ping.RawOutput);
            if (traceLines.Length > 0) WriteRaw(plan.Scenario, prefix + "-switchover-trace.txt", traceLines);
            // The orchestrator's own footprint after each migration: a soak of many migrations shows a leak as a trend.
            Log($"{plan.Scenario}: after migration {index}: {ProcessFootprint.Current().Describe()}");
            return run;
        }
        finally
        {
            ssh.Dispose();
        }
    }

    /// <summary>The workload's problems that concern the guest's integrity: stress-ng's verification failures (alone or as part of dirty-memory+iperf).</summary>
    public static IEnumerable<string> IntegrityProblems(WorkloadRun during) =>
        during.Problems.Where(p => p.Contains("fail", StringComparison.OrdinalIgnoreCase) || p.Contains("bit errors", StringComparison.Ordinal));

    private static List<(double T, double Value)> Timeline(WorkloadRun run, MigrationResult result) =>
        run.Points.Select(p => ((p.Time - result.StartedAt).TotalSeconds, p.Value)).ToList();

    private GuestSsh Connect(GuestSpec guest) =>
        TryConnect(guest) ?? throw new LabException(LabCodes.GuestBoot, $"The guest '{guest.Name}' does not answer SSH at {guest.Address}.",
            $"see its serial log {guest.SerialLog}.");

    private GuestSsh? TryConnect(GuestSpec guest)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try { return sites.ConnectGuest(guest, TimeSpan.FromSeconds(20)); }
            catch (LabException e) when (e.Code == LabCodes.HostKeyMismatch) { throw; }
            catch (Exception) { Thread.Sleep(1000); }
        }
        return null;
    }

    private static bool Answers(GuestSsh ssh)
    {
        try { return ssh.Run("true", TimeSpan.FromSeconds(20)).ExitCode == 0; }
        catch (Exception) { return false; }
    }

    private string ScenarioRaw(string scenario) => Path.Combine(rawDirectory, scenario);

    private void WriteRaw(string scenario, string name, string content) => AtomicFile.WriteAllText(Path.Combine(ScenarioRaw(scenario), name), content);

    private void WriteRawFiles(string scenario, string prefix, MigrationRun run, string fdbBefore, string fdbAfter, string pingOutput)
    {
        WriteRaw(scenario, prefix + "-workload.txt", run.During.RawOutput);
        WriteRaw(scenario, prefix + "-ping.txt", pingOutput);
        WriteRaw(scenario, prefix + "-fdb-before.txt", fdbBefore);
        WriteRaw(scenario, prefix + "-fdb-after.txt", fdbAfter);
        WriteRaw(scenario, prefix + "-dmesg-after.txt", run.Integrity.KernelLog);
        WriteRaw(scenario, prefix + "-migration.json", TimelineJson(run.Migration));
    }

    /// <summary>The migration's query-migrate samples and QMP events as JSON (the raw timeline).</summary>
    public static string TimelineJson(MigrationResult r) =>
        JsonSerializer.Serialize(new
        {
            source = r.Source,
            destination = r.Destination,
            outcome = r.Outcome,
            reason = r.FailureReason,
            fault = r.Fault,
            guest_outcome = r.GuestOutcome,
            source_statuses = r.SourceStatuses,
            destination_statuses = r.DestinationStatuses,
            fault_injected_at = r.FaultInjectedAt,
            paused_at = r.PausedAt,
            recovered_at = r.RecoveredAt,
            started_at = r.StartedAt,
            parameters = r.Parameters,
            total_time_ms = r.TotalTimeMs,
            downtime_ms = r.DowntimeMs,
            setup_time_ms = r.SetupTimeMs,
            transferred_bytes = r.TransferredBytes,
            samples = r.Samples,
            events = r.Events,
            last_active_query_migrate = Raw(r.LastActiveReplyJson),
            final_query_migrate = Raw(r.FinalReplyJson),
        }, new JsonSerializerOptions { WriteIndented = true });

    private static JsonElement? Raw(string json) => json.Length == 0 ? null : JsonDocument.Parse(json).RootElement.Clone();

    private void Log(string message) => log?.Invoke(message);
}
