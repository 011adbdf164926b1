using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VirtLab.Lab;
using VirtLab.Qemu;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// Live-migrates a running lab guest to a new QEMU process on the same lab bridge: starts the
/// destination, sets capabilities and parameters on both sides (only those each side's build
/// offers; <see cref="MigrationUnavailableException"/> when the scenario needs more or a side
/// refuses them), sends migrate, samples
/// query-migrate until the migration completes, fails, or runs past its deadline (then
/// migrate_cancel: the source keeps running and the destination quits). On success the source is
/// quit and the destination is the guest from then on (<see cref="GuestIdentity"/>).
/// </summary>
/// <remarks>
/// The destination starts with "-incoming defer" and listens only after its capabilities are set
/// (migrate-incoming): multifd sizes its listening socket for the channel count, and postcopy
/// must be enabled before the stream arrives. The stream runs over 127.0.0.1 inside the lab
/// namespace, where both QEMUs live; nothing else is accepted as an address.
/// </remarks>
public sealed partial class MigrationRunner(IMigrationSites sites)
{
    public MigrationRunner(LabState lab, GuestLauncher launcher) : this(new NamespaceSites(lab, launcher)) { }

    public static readonly TimeSpan DestinationStartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CancelBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PostcopyBound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StallWindow = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PauseBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DestinationExitBound = TimeSpan.FromSeconds(10);

    [GeneratedRegex(@"^tcp:127\.0\.0\.1:([0-9]{1,5})$")]
    private static partial Regex LoopbackUri();

    /// <param name="destination">The destination's spec: the source's kernel, initramfs, memory, vCPUs, NIC model
    /// and MAC, its own tap on br0, and <see cref="GuestSpec.Incoming"/> = "tcp:127.0.0.1:&lt;port&gt;".</param>
    public MigrationResult Run(string source, GuestSpec destination, MigrationSettings settings, CancellationToken cancel, MigrationFault? fault = null)
    {
        var uri = destination.Incoming ?? "";
        sites.CheckIncoming(uri);
        if (!sites.IsRunning(source))
            throw new LabException(LabCodes.GuestBoot, $"The migration source '{source}' is not running.", "boot it first (BootGuest).");

        sites.StartIncoming(destination with { Incoming = "defer" }, DestinationStartTimeout, cancel);
        try
        {
            return Migrate(source, destination.Name, uri, settings, fault, cancel);
        }
        catch
        {
            sites.Stop(destination.Name);
            throw;
        }
    }

    private MigrationResult Migrate(string source, string destination, string uri, MigrationSettings settings, MigrationFault? fault, CancellationToken cancel)
    {
        var samples = new List<MigrationSample>();
        MigrationClock clock;
        double ended;
        string outcome;
        string? reason = null;
        JsonElement final;
        JsonElement? lastActive = null;
        MigrationParameters parameters;
        double? postcopyAt = null, faultAt = null, pausedAt = null, recoveredAt = null;
        long? sentAtFault = null;
        var sourceGone = false;
        var linkDown = false;
        IReadOnlyList<QmpEvent> sourceEvents, destinationEvents;

        // migrate-pause and migrate-recover go out of band: a postcopy destination's main loop blocks on
        // any guest page that has not arrived, and with the stream cut none arrives.
        var outOfBand = fault?.Kind == MigrationFault.PostcopyStreamCut;
        using (var dst = sites.Qmp(destination, outOfBand))
        {
            using (var src = sites.Qmp(source, outOfBand))
            {
                // Each side is sent only what its build offers (both are asked: they may be different builds);
                // a scenario that needs more than a side offers, or that a side refuses, is unavailable there.
                var sourceFeatures = MigrationFeatures.Query(src);
                var destinationFeatures = MigrationFeatures.Query(dst);
                if ((sourceFeatures.Unavailable(settings) ?? destinationFeatures.Unavailable(settings, destination: true)) is { } missing)
                    throw new MigrationUnavailableException(missing);
                // A fresh QEMU's parameters are this QEMU version's defaults. A source may have been
                // migrated before with other settings, so every parameter is set, not just the chosen ones.
                var defaults = destinationFeatures.ParameterValues;
                parameters = settings.Effective(defaults);
                Configure(dst, settings, destinationFeatures, defaults, destination: true);
                Configure(src, settings, sourceFeatures, defaults, destination: false);
                // A postcopy cut must land while pages are still outstanding: the background push after
                // the switch-over is held to the pre-copy bandwidth until the stream is restored (0: no limit).
                if (sourceFeatures.OffersParameter("max-postcopy-bandwidth"))
                    src.Execute("migrate-set-parameters", new Dictionary<string, object>
                    {
                        ["max-postcopy-bandwidth"] = fault?.Kind == MigrationFault.PostcopyStreamCut ? parameters.MaxBandwidthBytes : 0L,
                    });
                dst.Execute("migrate-incoming", new Dictionary<string, object> { ["uri"] = uri });
                SwitchoverTrace.Enable(src);
                SwitchoverTrace.Enable(dst);

                clock = MigrationClock.Start();
                src.Execute("migrate", new Dictionary<string, object> { ["uri"] = uri });
                var cancelledAt = (double?)null;
                var next = Stopwatch.StartNew();
                try
                {
                    while (true)
                    {
                        cancel.ThrowIfCancellationRequested();
                        // A sample is stamped when its reply arrived: QEMU answers only when its main loop is free,
                        // which during the switch-over can be hundreds of ms after the query went out.
                        var reply = src.Execute("query-migrate");
                        var t = clock.Seconds;
                        var sample = MigrationSample.From(reply, t);
                        samples.Add(sample);
                        if (sample.Status is "active" or "postcopy-active") lastActive = reply;

                        if (sample.Status == "completed")
                        {
                            outcome = MigrationOutcome.Completed;
                            ended = MigrationClock.EndObserved(t, clock.Received(src.Events, "MIGRATION", sample.Status));
                            final = SettledCompletion(src, reply);
                            break;
                        }
                        if (sample.Status == "failed")
                        {
                            outcome = MigrationOutcome.Failed;
                            ended = MigrationClock.EndObserved(t, clock.Received(src.Events, "MIGRATION", sample.Status));
                            reason = reply.TryGetProperty("error-desc", out var e) ? e.GetString() : "QEMU reported status 'failed'";
                            final = reply;
                            break;
                        }
                        if (sample.Status == "cancelled")
                        {
                            (outcome, reason) = Cancelled(cancelledAt, faultAt, sentAtFault, samples.LastOrDefault(x => x.Transferred is not null) ?? sample, settings, fault, sites.StreamCut);
                            ended = MigrationClock.EndObserved(t, clock.Received(src.Events, "MIGRATION", sample.Status));
                            final = reply;
                            break;
                        }

                        var due = fault is not null && faultAt is null && t >= fault.After.TotalSeconds;
                        var precopy = sample.Status is "setup" or "active";
                        if (settings.Postcopy && postcopyAt is null && sample.Status == "active"
                            && (fault?.Kind == MigrationFault.PostcopyStreamCut ? t >= fault.After.TotalSeconds : sample.DirtySyncCount >= 2))
                        {
                            // After the first full pass (dirty-sync 1 is the initial bitmap): from here the destination pulls what is missing.
                            // A postcopy-stream-cut scenario switches at its fault time instead, with most of RAM still to send.
                            src.Execute("migrate-start-postcopy");
                            postcopyAt = t;
                        }
                        if (due && precopy && fault!.Kind == MigrationFault.KillDestination)
                        {
                            faultAt = clock.Seconds;
                            sites.Kill(destination);
                        }
                        else if (due && precopy && fault!.Kind == MigrationFault.KillSource)
                        {
                            faultAt = clock.Seconds;
                            sites.Kill(source);
                            src.WaitForClose(TimeSpan.FromSeconds(10));
                            ended = clock.Seconds;
                            sourceGone = true;
                            outcome = MigrationOutcome.Failed;
                            reason = string.Create(CultureInfo.InvariantCulture, $"the source QEMU was killed (SIGKILL) {faultAt:0.00} s after the migrate command, with the guest's state only partly sent");
                            final = reply;
                            break;
                        }
                        else if (due && sample.Status == "active" && fault!.Kind == MigrationFault.StreamCut)
                        {
                            sites.CutStream();
                            linkDown = true;
                            faultAt = clock.Seconds;
                            sentAtFault = sample.Transferred;
                        }
                        else if (due && precopy && fault!.Kind == MigrationFault.MigrateCancel)
                        {
                            src.Execute("migrate_cancel");
                            faultAt = cancelledAt = clock.Seconds;
                        }
                        else if (fault?.Kind == MigrationFault.PostcopyStreamCut && postcopyAt is not null)
                        {
                            if (faultAt is null && sample.Status == "postcopy-active" && dst.Events.Any(ev => ev.Name == "RESUME"))
                            {
                                // The guest runs on the destination and part of its RAM is still on the source: the worst moment to lose the link.
                                sites.CutStream();
                                linkDown = true;
                                faultAt = clock.Seconds;
                                sentAtFault = sample.Transferred;
                            }
                            else if (faultAt is { } cut && pausedAt is null && t - cut >= StallWindow.TotalSeconds)
                            {
                                // Neither QEMU notices a silent link for as long as TCP retransmits (many minutes);
                                // migrate-pause is QEMU's way to give up on the channel, on each side.
                                src.ExecuteOutOfBand("migrate-pause");
                                dst.ExecuteOutOfBand("migrate-pause");
                                pausedAt = clock.Seconds;
                            }
                            else if (pausedAt is { } paused && recoveredAt is null)
                            {
                                if (sample.Status == "postcopy-paused" && dst.Events.Any(ev => ev.Name == "MIGRATION" && Detail(ev) == "postcopy-paused"))
                                {
                                    sites.RestoreStream();
                                    linkDown = false;
                                    var channel = sites.RecoveryUri(uri);
                                    src.Execute("migrate-set-parameters", new Dictionary<string, object> { ["max-postcopy-bandwidth"] = 0L });
                                    dst.ExecuteOutOfBand("migrate-recover", new Dictionary<string, object> { ["uri"] = channel });
                                    src.Execute("migrate", new Dictionary<string, object> { ["uri"] = channel, ["resume"] = true });
                                    recoveredAt = clock.Seconds;
                                }
                                else if (t - paused > PauseBound.TotalSeconds)
                                {
                                    throw new LabException(LabCodes.MigrationFault,
                                        $"The postcopy migration of '{source}' did not reach 'postcopy-paused' on both sides within {PauseBound.TotalSeconds:0} s of migrate-pause (source '{sample.Status}', destination {MigrationResult.Sequence(dst.Events.Where(ev => ev.Name == "MIGRATION").Select(Detail))}).",
                                        "the lab's teardown stops both QEMUs; read the scenario's raw/ and build again.");
                                }
                            }
                        }
                        if (cancelledAt is null && t >= settings.Deadline.TotalSeconds && sample.Status is "setup" or "active")
                        {
                            src.Execute("migrate_cancel");
                            cancelledAt = t;
                        }
                        if (cancelledAt is { } c && t - c > CancelBound.TotalSeconds)
                            throw new LabException(LabCodes.Qmp, $"The migration of '{source}' did not stop within {CancelBound.TotalSeconds:0} s of migrate_cancel (status '{sample.Status}').",
                                "the QEMU processes are stopped by the lab's teardown; report this with the build log.");
                        if (t > settings.Deadline.TotalSeconds + PostcopyBound.TotalSeconds)
                            throw new LabException(LabCodes.Qmp, $"The migration of '{source}' is still '{sample.Status}' {t:0} s after it started.",
                                "a postcopy migration cannot be cancelled; the lab's teardown stops both QEMUs.");

                        var wait = settings.SampleInterval * samples.Count - next.Elapsed;
                        if (wait > TimeSpan.Zero) cancel.WaitHandle.WaitOne(wait);
                    }
                }
                finally
                {
                    if (linkDown) sites.RestoreStream();
                }

                if (outcome == MigrationOutcome.Completed)
                {
                    // The guest runs on the destination once it resumed; only then is the source expendable.
                    if (!dst.Events.Any(e => e.Name == "RESUME") && dst.QueryStatus() != "running")
                        dst.WaitForEvent("RESUME", TimeSpan.FromSeconds(15));
                    // A migration has ended when the guest runs again: the destination may resume it after the source said completed.
                    if (clock.Received(dst.Events, "RESUME") is { } resumed && resumed > ended) ended = resumed;
                    src.Quit(TimeSpan.FromSeconds(10));
                }
                else if (sourceGone)
                {
                    // QEMU ends itself when an incoming pre-copy stream breaks off; say so if it did.
                    reason += dst.WaitForClose(DestinationExitBound)
                        ? "; the destination QEMU exited on its own (incoming migration failed)"
                        : $"; the destination QEMU was left '{dst.QueryStatus()}' and is stopped";
                }
                else if (src.QueryStatus() is var status && status != "running")
                {
                    reason += $"; the source is '{status}' afterwards";
                }
                sourceEvents = src.Events;
            }
            destinationEvents = dst.Events;
        }

        if (outcome == MigrationOutcome.Completed)
        {
            sites.Stop(source);
            sites.SetCurrent(destination);
        }
        else
        {
            sites.Stop(destination);
            if (sourceGone) sites.Stop(source); // its pidfile and socket; the process is gone
            sites.SetCurrent(source);
        }
        var guestLost = !sites.IsRunning(outcome == MigrationOutcome.Completed ? destination : source);

        var ram = final.TryGetProperty("ram", out var r) ? r : default;
        var startedAt = clock.StartedAt;
        return new MigrationResult(source, destination, outcome, reason, parameters, startedAt, ended,
            MigrationSample.FinalMilliseconds(final, "total-time"), MigrationSample.FinalMilliseconds(final, "downtime"), MigrationSample.Double(final, "setup-time"),
            MigrationSample.Long(ram, "transferred"), MigrationSample.Long(ram, "dirty-sync-count"), postcopyAt, faultAt, samples,
            // QEMU stamps its events with its host's clock: moved onto this machine's, both hosts' events share one axis.
            Timeline(sourceEvents, "source", startedAt + sites.ClockOffset(source)).Concat(Timeline(destinationEvents, "destination", startedAt + sites.ClockOffset(destination))).OrderBy(e => e.T).ToList(),
            final.GetRawText(), lastActive?.GetRawText() ?? "", fault?.Kind, guestLost, pausedAt, recoveredAt);
    }

    /// <summary>
    /// The completed migration's figures once QEMU has stamped them: QEMU sets the status to
    /// completed before it computes total-time and downtime, so a reply read in between says 0 for
    /// both (seen on 7.2 for two of three homework migrations once the end is noticed sooner). Asked
    /// again for up to half a second; zeros that stay are recorded as not measured (MigrationSample.FinalMilliseconds).
    /// </summary>
    private static JsonElement SettledCompletion(QmpClient src, JsonElement reply)
    {
        for (var i = 0; i < 20 && (MigrationSample.Double(reply, "total-time") ?? 0) == 0; i++)
        {
            Thread.Sleep(25);
            reply = src.Execute("query-migrate");
        }
        return reply;
    }

    /// <summary>How a migration that reached 'cancelled' is recorded: who cancelled it and why.</summary>
    public static (string Outcome, string Reason) Cancelled(double? cancelledAt, double? faultAt, long? sentAtFault, MigrationSample last, MigrationSettings settings, MigrationFault? fault,
        string streamCut = "the lab's loopback down")
    {
        var inv = CultureInfo.InvariantCulture;
        if (cancelledAt is null) return (MigrationOutcome.Failed, "the migration was cancelled by someone else");
        if (fault?.Kind == MigrationFault.MigrateCancel)
            return (MigrationOutcome.Cancelled, string.Create(inv, $"migrate_cancel {cancelledAt:0.00} s after the migrate command (the scenario's fault)"));
        if (fault?.Kind == MigrationFault.StreamCut && faultAt is { } cut)
        {
            var moved = sentAtFault is { } before && last.Transferred is { } after ? string.Create(inv, $"; {(after - before) / 1048576.0:0.0} MiB sent after the cut") : "";
            return (MigrationOutcome.Cancelled, string.Create(inv,
                $"the stream was cut {cut:0.00} s after the migrate command ({streamCut}) and QEMU did not notice{moved}; migrate_cancel at the {settings.Deadline.TotalSeconds:0.#} s deadline"));
        }
        return (MigrationOutcome.DidNotConverge, string.Create(inv, $"not complete after the {settings.Deadline.TotalSeconds:0.#} s deadline; migrate_cancel"));
    }

    /// <summary>The port of a loopback migration address (tcp:127.0.0.1:&lt;port&gt;); anything else is LAB0002.</summary>
    public static int LoopbackPort(string uri)
    {
        var m = LoopbackUri().Match(uri);
        var port = m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (port is < 1 or > 65535)
            throw new LabException(LabCodes.ConfigBadValue, $"'{uri}' is not a migration address VirtLab uses.",
                "give the destination Incoming = tcp:127.0.0.1:<port>; the stream stays inside the lab namespace.");
        return port;
    }

    /// <summary>The channel a paused postcopy migration resumes on: the same loopback, another port (the old listener is gone).</summary>
    public static string RecoveryUri(string uri)
    {
        var port = LoopbackPort(uri);
        return string.Create(CultureInfo.InvariantCulture, $"tcp:127.0.0.1:{(port + 1000 <= 65535 ? port + 1000 : port - 1000)}");
    }

    /// <summary>Sets one side's capabilities and parameters; a refusal makes the scenario unavailable on this build (QEMU's message says why).</summary>
    private static void Configure(QmpClient qmp, MigrationSettings settings, MigrationFeatures features, JsonElement defaults, bool destination)
    {
        var side = destination ? "destination" : "source";
        if (qmp.TryExecute("migrate-set-capabilities", new Dictionary<string, object> { ["capabilities"] = settings.CapabilityStates(destination, features) }) is { } refused)
            throw new MigrationUnavailableException(features.Refused(settings, refused, side));
        var parameters = settings.Parameters(destination, defaults);
        if (parameters.Count > 0 && qmp.TryExecute("migrate-set-parameters", parameters) is { } refusedParameter)
            throw new MigrationUnavailableException(features.Refused(settings, refusedParameter, side));
    }

    private static IEnumerable<MigrationEvent> Timeline(IReadOnlyList<QmpEvent> events, string side, DateTimeOffset startedAt) =>
        events.Where(e => e.Name is "MIGRATION" or "MIGRATION_PASS" or "STOP" or "RESUME" or "SHUTDOWN")
            .Select(e => new MigrationEvent((e.Timestamp - startedAt).TotalSeconds, side, e.Name, Detail(e)));

    public static string Detail(QmpEvent e) =>
        e.Data.ValueKind != JsonValueKind.Object ? ""
        : e.Data.TryGetProperty("status", out var s) ? s.GetString() ?? ""
        : e.Data.TryGetProperty("pass", out var p) ? p.GetRawText() : "";
}
