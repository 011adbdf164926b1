using System.Text.Json;
using VirtLab.Config;
using VirtLab.Migration;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// The live-migration parsers and computations on output captured from a real quick run
/// (tests/fixtures/migration/: busybox ping, iperf3 --forceflush -R, sysbench intervals,
/// stress-ng, tcpdump -e -tt of the announce capture, bridge fdb, the guest's dmesg, QEMU 7.2's
/// query-migrate replies and the records of the homework scenario).
/// </summary>
public sealed class MigrationParsingTests
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "migration", name));

    [Fact]
    public void Ping_replies_losses_and_the_silence_across_the_switch_over()
    {
        // Stamp every reply at seq × 20 ms, as they arrive when nothing is lost; the real capture lost seq 179-182.
        var lines = Fixture("busybox-ping-20ms.txt").Split('\n')
            .Select(l => (l, m: System.Text.RegularExpressions.Regex.Match(l, "seq=([0-9]+)")))
            .Select(x => new TimedLine(Origin.AddMilliseconds(x.m.Success ? int.Parse(x.m.Groups[1].Value) * 20 : 0), x.l, false)).ToList();
        var replies = PingProbe.Parse(lines);
        Assert.Equal(346, replies.Count);
        Assert.Equal(0.316, replies[0].RttMs);

        var a = PingProbe.Analyse(replies, Origin.AddSeconds(3), TimeSpan.FromMilliseconds(20));
        Assert.Equal(350, a.Sent);
        Assert.Equal(4, a.Lost);
        Assert.Equal(100, a.MaxGapMs!.Value, 3); // seq 178 → 183
        Assert.Equal(178 * 0.02 - 3, a.MaxGapAtT!.Value, 3);
        var gap = Assert.Single(a.Gaps);
        Assert.Equal(4, gap.MissingReplies);
        Assert.Equal(100, a.SilenceAround(178 * 0.02 - 3 + 0.05)!.Value, 3);
        Assert.Equal(20, a.SilenceAround(1.0)!.Value, 3);
        Assert.Null(a.SilenceAround(100));
    }

    [Fact]
    public void A_remote_observers_replies_carry_its_own_stamps_moved_onto_this_machines_clock_not_their_arrival()
    {
        // iputils ping -D, as a remote observer host runs it: the lines arrived here together, much later.
        var arrived = Origin.AddHours(1);
        var lines = Fixture("iputils-ping-D-10ms.txt").Split('\n').Select(l => new TimedLine(arrived, l, false)).ToList();
        var offset = TimeSpan.FromMilliseconds(250); // the host's clock is 250 ms ahead of this one
        var replies = PingProbe.ParseStamped(lines, offset);
        Assert.Equal([0, 1, 2, 3], replies.Select(r => r.Seq));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795998136946).AddTicks(8140) - offset, replies[0].Time);
        Assert.Equal(0.120, replies[0].RttMs);
        Assert.Equal(13.798, (replies[1].Time - replies[0].Time).TotalMilliseconds, 3);
        Assert.Empty(PingProbe.Parse(lines)); // busybox's reader does not take iputils' lines, nor the other way round
        Assert.Empty(PingProbe.ParseStamped(Fixture("busybox-ping-20ms.txt").Split('\n').Select(l => new TimedLine(arrived, l, false)), offset));
    }

    [Fact]
    public void An_observer_hosts_stamps_show_the_pause_of_a_migration_between_hosts()
    {
        // Host C's ping -D to a guest moving from host A to B (the rig, 5 ms interval): 121 replies around the switch-over.
        var lines = Fixture("iputils-ping-D-across-migration.txt").Split('\n').Select(l => new TimedLine(Origin, l, false)).ToList();
        var replies = PingProbe.ParseStamped(lines, TimeSpan.Zero);
        Assert.Equal(121, replies.Count);
        var a = PingProbe.Analyse(replies, replies[0].Time, TimeSpan.FromMilliseconds(5));
        Assert.Equal(185.711, a.MaxGapMs!.Value, 3);
        // The pause: 14 requests went unanswered. Later a 110 ms gap with nothing missing: replies held up, not lost
        // (the rig's three hosts and both QEMUs share two cores).
        Assert.Equal([(185.711, 14), (110.568, 0)], a.Gaps.Select(g => (Math.Round(g.Milliseconds, 3), g.MissingReplies)));
    }

    [Fact]
    public void Network_downtime_is_the_silence_spanning_the_pause_even_when_a_reply_lands_just_after_it_began()
    {
        // A throttled guest answered every ~100 ms; the reply stamped 0.2 ms after the source's STOP was
        // already in flight. Seen in a real auto-converge run (replies at 21.138, 21.2364, 21.2995 s).
        var origin = Origin;
        var replies = new[] { 21.0382, 21.138, 21.2364, 21.2995, 21.3195 }
            .Select((t, i) => new PingReply(i, origin.AddSeconds(t), 0.5)).ToList();
        var a = PingProbe.Analyse(replies, origin, TimeSpan.FromMilliseconds(20));
        const double stop = 21.236166, resume = 21.266833;

        Assert.Equal(98.4, a.SilenceAround(stop)!.Value, 1); // the throttled silence before the pause
        var across = a.SilenceAcross(stop, resume)!;
        Assert.Equal(63.1, across.Milliseconds, 1);
        Assert.Equal(21.2364, across.StartT, 4);
        Assert.Equal(98.4, a.SilenceAcross(stop, null)!.Milliseconds, 1);
    }

    [Fact]
    public void Iperf3_interval_lines_on_the_host_clock_without_the_interval_cut_short_at_the_stop()
    {
        var text = Fixture("iperf3-reverse-forceflush.txt").Split('\n');
        // Each interval line arrives 5 ms after the interval's end; the stray first line arrives early (iperf3 -R does that).
        var lines = text.Select(l =>
        {
            var m = System.Text.RegularExpressions.Regex.Match(l, @"-([0-9.]+)\s+sec");
            return new TimedLine(m.Success ? Origin.AddSeconds(double.Parse(m.Groups[1].Value) + 0.005) : Origin, l, false);
        }).ToList();
        var points = IperfStreamWorkload.Parse(lines);
        var intervals = text.Count(l => l.Contains(" sec ") && !l.Contains("sender") && !l.Contains("receiver"));
        Assert.Equal(intervals - 1, points.Count); // 6.50-6.83 is shorter than the others
        Assert.Equal(1.09, points[0].Value, 6);
        Assert.Equal(0.819, points.First(p => Math.Abs((p.Time - Origin).TotalSeconds - 4.005) < 1e-3).Value, 6);
        Assert.Equal(0.505, (points[0].Time - Origin).TotalSeconds, 3);
        Assert.Equal(45550, IperfStreamWorkload.LocalPort(string.Join('\n', text)));
    }

    [Fact]
    public void Sysbench_interval_reports_with_the_longest_request_per_second()
    {
        var cpu = SysbenchSeriesWorkload.Parse(Fixture("sysbench-cpu-intervals.txt"), Origin);
        Assert.Equal([242.34, 250.05, 245.24, 235.74, 247.19, 249.07], cpu.Select(p => p.Value));
        Assert.Equal(Origin.AddSeconds(1), cpu[0].Time);
        var latency = SysbenchSeriesWorkload.ParseLatencyMax(Fixture("sysbench-cpu-intervals.txt"), Origin);
        Assert.Equal(38.25, latency.Max(p => p.Value));

        var memory = SysbenchSeriesWorkload.Parse(Fixture("sysbench-memory-intervals.txt"), Origin);
        Assert.Equal(6, memory.Count);
        Assert.Equal(4022.90, memory[0].Value);
        Assert.Empty(SysbenchSeriesWorkload.ParseLatencyMax(Fixture("sysbench-memory-intervals.txt"), Origin));
    }

    [Fact]
    public void Stress_ng_rate_and_its_verification_failures()
    {
        var output = Fixture("stress-ng-vm-write64.txt");
        Assert.Equal(3485.63, DirtyMemoryWorkload.BogoOpsPerSecond(output));
        Assert.Empty(DirtyMemoryWorkload.Problems(output));

        // stress-ng's own wording for a --verify failure (pr_fail in stress-vm.c) and the summary that follows it.
        var failed = output.Replace("stress-ng: info:  [125] successful run completed in 15.38s",
            "stress-ng: fail:  [126] vm: detected 3 bit errors while stressing memory\nstress-ng: info:  [125] unsuccessful run completed in 15.38s");
        var problems = DirtyMemoryWorkload.Problems(failed);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("detected 3 bit errors"));
        Assert.Contains("stress-ng printed no metrics", Assert.Single(DirtyMemoryWorkload.Problems("stress-ng: info:  [1] dispatching hogs: 1 vm")));
    }

    [Fact]
    public void Announce_frames_from_tcpdump_RARP_from_QEMU_and_gratuitous_ARP_from_the_guest()
    {
        var frames = AnnounceCapture.Parse(Fixture("tcpdump-announce.txt"), DateTimeOffset.FromUnixTimeMilliseconds(1795621528_000));
        Assert.Equal(10, frames.Count);
        Assert.Equal(5, frames.Count(f => f.Kind == "rarp"));
        Assert.Equal(5, frames.Count(f => f.Gratuitous));
        Assert.All(frames, f => Assert.Equal("52:54:00:1a:01:00", f.SourceMac));
        Assert.Equal(0.149421, frames[0].T, 6);
        // QEMU's self-announce: 5 rounds, 50 ms apart at first, each 100 ms longer than the last.
        var rarp = frames.Where(f => f.Kind == "rarp").Select(f => f.T).ToList();
        Assert.Equal([0.05, 0.15, 0.25, 0.35], rarp.Zip(rarp.Skip(1), (a, b) => Math.Round(b - a, 2)));
    }

    [Fact]
    public void The_guests_MAC_moves_from_the_source_tap_to_the_destination_tap_in_the_bridge_fdb()
    {
        Assert.Equal("tap-mig-0", BridgeFdb.PortOf(Fixture("bridge-fdb-before.txt"), "52:54:00:1a:01:00"));
        Assert.Equal("tap-mig-1", BridgeFdb.PortOf(Fixture("bridge-fdb-after.txt"), "52:54:00:1a:01:00"));
        Assert.Null(BridgeFdb.PortOf(Fixture("bridge-fdb-after.txt"), "7e:e1:d8:8f:f7:ba")); // the tap's own, permanent
        Assert.Null(BridgeFdb.PortOf(Fixture("bridge-fdb-after.txt"), "52:54:00:1a:02:00"));
    }

    [Fact]
    public void Kernel_log_scan_finds_corruption_reports_and_nothing_in_a_clean_boot()
    {
        var clean = Fixture("guest-dmesg-after.txt");
        Assert.Contains("report a bug", clean);       // PCI's advice at boot: not a BUG
        Assert.Contains("panic=-1", clean);           // the command line: not a panic
        Assert.Empty(GuestIntegrity.ScanKernelLog(clean));

        // The signatures QEMU 7.2 TCG left in guests migrated without pti=on (design.md), in the kernel's own wording.
        var corrupt = clean + "\n[   42.123456] list_add corruption. prev->next should be next (ffff8880049a1e48), but was 0000000000000000.\n"
                            + "[   42.200000] virtio_net virtio0: output.0:id 12 is not a head!\n"
                            + "[   42.300000] BUG: unable to handle page fault for address: ffffffffffffffe8\n"
                            + "[   42.300100] Oops: 0000 [#1] PREEMPT SMP PTI\n";
        Assert.Equal(4, GuestIntegrity.ScanKernelLog(corrupt).Count);
    }

    /// <summary>
    /// A real defect: the console of a destination guest (booted with pti=on) that died a few
    /// seconds after an auto-converge migration of the dirty-memory load completed — list_del
    /// corruption in the page allocator, kernel BUG, panic; QEMU exited (-no-reboot), so nothing
    /// answered SSH. The check must fail and name what the console shows.
    /// </summary>
    [Fact]
    public void A_guest_that_died_after_its_migration_fails_the_check_with_its_console_as_evidence()
    {
        var console = Fixture("guest-console-panic-after-migration.txt");
        var report = GuestIntegrity.Check(null, "00", [], console, CancellationToken.None);
        Assert.False(report.Passed);
        Assert.Equal("failed", report.Label);
        Assert.Equal("the guest did not answer SSH after the migration", report.Findings[0]);
        Assert.Contains(report.Findings, f => f.StartsWith("console: ") && f.Contains("list_del corruption"));
        Assert.Contains(report.Findings, f => f.Contains("kernel BUG at lib/list_debug.c"));
        Assert.Contains(report.Findings, f => f.Contains("Kernel panic - not syncing"));

        var unknown = GuestIntegrity.Check(null, null, [], "virtlab: [3.32] kernel RNG ready\nVIRTLAB-READY 10.1.1.1\n", CancellationToken.None);
        Assert.Contains(unknown.Findings, f => f.StartsWith("its console ends with: "));
    }

    [Fact]
    public void Query_migrate_replies_of_QEMU_7_2()
    {
        using var active = JsonDocument.Parse(Fixture("query-migrate-active.json"));
        var s = MigrationSample.From(active.RootElement, 0.75);
        Assert.Equal("active", s.Status);
        Assert.Equal(107389312, s.Transferred);
        Assert.Equal(387682304, s.Remaining);
        Assert.Equal(1, s.DirtySyncCount);
        Assert.Equal(1073.93616, s.Mbps);
        Assert.Null(s.CpuThrottlePercentage);

        using var throttled = JsonDocument.Parse(Fixture("query-migrate-active-auto-converge.json"));
        var t = MigrationSample.From(throttled.RootElement, 21);
        Assert.Equal(90, t.CpuThrottlePercentage);
        Assert.Equal(32640, t.DirtyPagesRate);

        using var done = JsonDocument.Parse(Fixture("query-migrate-completed.json"));
        var c = MigrationSample.From(done.RootElement, 1);
        Assert.Equal("completed", c.Status);
        Assert.Equal(65, MigrationSample.Double(done.RootElement, "downtime"));
        Assert.Equal(966, MigrationSample.Double(done.RootElement, "total-time"));
        Assert.Equal(65, MigrationSample.FinalMilliseconds(done.RootElement, "downtime"));
        Assert.Equal(966, MigrationSample.FinalMilliseconds(done.RootElement, "total-time"));
    }

    [Fact]
    public void A_completed_multifd_migration_that_QEMU_7_2_answers_with_zero_times_has_no_times()
    {
        using var multifd = JsonDocument.Parse(Fixture("query-migrate-multifd-completed-7.2.json"));
        Assert.Equal(0, MigrationSample.Double(multifd.RootElement, "total-time"));
        Assert.Null(MigrationSample.FinalMilliseconds(multifd.RootElement, "total-time"));
        Assert.Null(MigrationSample.FinalMilliseconds(multifd.RootElement, "downtime"));
        Assert.Equal(3, MigrationSample.FinalMilliseconds(multifd.RootElement, "setup-time"));
        // A zero is only "not measured" once completed: an active migration's figures pass as they are.
        using var active = JsonDocument.Parse("""{"status": "active", "total-time": 0}""");
        Assert.Equal(0, MigrationSample.FinalMilliseconds(active.RootElement, "total-time"));
    }

    [Fact]
    public void Disruption_relative_to_the_baseline_median()
    {
        // Baseline median 10; half-second intervals ending at t; the migration runs from 0 to 1.2 s.
        (double, double)[] points = [(-0.5, 10), (0, 10), (0.5, 8), (1.0, 4), (1.5, 0), (2.0, 10), (2.5, 9)];
        var d = Disruption.Compute([9, 10, 11], points, 0.5, 1.2)!;
        Assert.Equal(10, d.BaselineMedian);
        Assert.Equal(1.2, d.WindowSeconds, 6);           // (0,0.5] + (0.5,1.0] + (1.0,1.2]
        Assert.Equal(1.2, d.SecondsBelow90, 6);          // 8, 4 and 0
        Assert.Equal(0.7, d.SecondsBelow50, 6);          // 4 and the 0.2 s of the 0 interval inside the window
        Assert.Equal(0.2, d.SecondsAtZero, 6);
        Assert.Equal(0.5 * 0.2 + 0.5 * 0.6 + 0.2 * 1.0, d.TotalLossSeconds, 6);
        Assert.Equal(4, d.DuringMedian);
        Assert.Equal(0.95, d.AfterOverBaseline!.Value, 6); // 10 and 9 after the migration
        Assert.Null(Disruption.Compute([], points, 0.5, 1.2));
    }

    [Fact]
    public void Settings_capabilities_on_each_side_and_parameters_with_QEMUs_defaults()
    {
        var s = MigrationSettings.Parse("x", "multifd; auto-converge", "1000", "", "", "4", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        Assert.Equal("multifd, auto-converge, downtime-limit 1000 ms, multifd-channels 4", s.Describe());
        // QEMU 7.2 (the captured fixture) offers every capability VirtLab knows but dirty-limit.
        var qemu72 = MigrationFeaturesTests.Load("7.2");
        var source = s.CapabilityStates(destination: false, qemu72).ToDictionary(c => (string)c["capability"], c => (bool)c["state"]);
        Assert.Equal(new Dictionary<string, bool> { ["events"] = true, ["auto-converge"] = true, ["postcopy-ram"] = false, ["xbzrle"] = false, ["multifd"] = true, ["postcopy-preempt"] = false }, source);
        var destination = s.CapabilityStates(destination: true, qemu72).Select(c => (string)c["capability"]).ToList();
        Assert.Equal(["events", "postcopy-ram", "multifd", "postcopy-preempt"], destination);

        using var defaults = JsonDocument.Parse("""{"downtime-limit":300,"max-bandwidth":134217728,"xbzrle-cache-size":67108864,"multifd-channels":2}""");
        var p = s.Parameters(destination: false, defaults.RootElement);
        Assert.Equal(1000, p["downtime-limit"]);
        Assert.Equal(134217728L, p["max-bandwidth"]);
        Assert.Equal(4, p["multifd-channels"]);
        Assert.Equal(["multifd-channels"], s.Parameters(destination: true, defaults.RootElement).Keys);
        Assert.Equal("QEMU defaults", new MigrationSettings().Describe());

        var e = Assert.Throws<LabException>(() => MigrationSettings.Parse("x", "turbo", "", "", "", "", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.Throws<LabException>(() => MigrationSettings.Parse("x", "", "-5", "", "", "", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        Assert.Throws<LabException>(() => MigrationSettings.Parse("x", "", "", "", "", "999", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Generations_of_a_migrated_guest()
    {
        Assert.Equal("mig-1", GuestIdentity.Next("mig-0"));
        Assert.Equal("mig-10", GuestIdentity.Next("mig-9"));
        Assert.Equal("guest-1", GuestIdentity.Next("guest"));
        Assert.Equal("mig", GuestIdentity.Family("mig-3"));
        Assert.Equal("guest-tcg", GuestIdentity.Family("guest-tcg"));
        Assert.Throws<LabException>(() => GuestIdentity.Next("bad name"));
    }

    [Fact]
    public void Guest_commands_are_built_from_validated_values_only()
    {
        Assert.Equal(["stress-ng", "--vm", "2", "--vm-bytes", "64M", "--vm-method", "write64", "--vm-keep", "--verify", "--timeout", "86400s", "--metrics-brief"],
            new DirtyMemoryWorkload(2, 64, "write64").Command);
        Assert.Throws<LabException>(() => new DirtyMemoryWorkload(1, 64, "write64; reboot").Command);
        Assert.Throws<LabException>(() => SysbenchSeriesWorkload.Memory("8K'", 1));
        Assert.Throws<LabException>(() => new WorkloadOptions().Create("rm -rf"));
    }

    [Fact]
    public void Lab_yaml_migration_section_is_validated_with_its_key_path()
    {
        var yaml = File.ReadAllText(Path.Combine(RepoCopy.FindRepoRoot(), "experiments", "lab.yaml"));
        var config = LabConfigLoader.Parse(yaml, "lab.yaml");
        Assert.Equal(10, config.Profiles["quick"].Migration.DeadlineSeconds);
        Assert.Equal("write64", config.Profiles["default"].Migration.DirtyMemory.Method);

        var bad = yaml.Replace("        sizeMiB: 64\n        method: write64\n  quick:", "        sizeMiB: 4096\n        method: write64\n  quick:");
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse(bad, "lab.yaml"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith("profiles.default.migration.dirtyMemory.sizeMiB", e.Message);
        Assert.True(e.Line > 0);
    }

    [Fact]
    public void Summary_of_real_records_renders_every_migration_and_its_evidence()
    {
        var records = RecordFile.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "migration", "records-homework.ndjson"))
            .Concat(RecordFile.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "migration", "records-dirty-default.ndjson"))).ToList();
        Assert.True(MigrationSummary.IsMigration(records));
        var model = MigrationSummary.From("live-migration", "quick", records);
        Assert.Equal(["iperf", "sysbench-cpu", "sysbench-memory", "dirty-memory"], model.Migrations.Select(m => m.Workload));
        Assert.All(model.Migrations.Take(3), m => Assert.Equal(MigrationOutcome.Completed, m.Outcome));
        Assert.Equal(MigrationOutcome.DidNotConverge, model.Migrations[3].Outcome);
        Assert.True(model.Evidence[0].StreamKept);
        Assert.Equal("tap-mig-0", model.Evidence[0].FdbBefore);
        Assert.Equal("tap-mig-1", model.Evidence[0].FdbAfter);
        Assert.Empty(model.IntegrityFailures);

        var template = Path.Combine(RepoCopy.FindRepoRoot(), "templates", "live-migration-summary.md.sbn");
        var text = TemplateRenderer.Render(template, model, new Dictionary<string, object?> { ["records_file"] = "records.ndjson", ["missing_cells"] = 0 });
        Assert.Contains("| homework | 1 | iperf | QEMU defaults | **completed** |", text);
        Assert.Contains("| dirty-default | 1 | dirty-memory | QEMU defaults | **did-not-converge** |", text);
        Assert.Contains("tap-mig-0 → tap-mig-1 | yes | 5 | 5 | yes | yes |", text);
        Assert.Contains("ping every 20 ms", text);
        Assert.DoesNotContain("INTEGRITY CHECK FAILED", text);
    }

    [Fact]
    public void Fault_names_and_times_are_validated_with_the_scenario_named()
    {
        var precopy = MigrationSettings.Parse("s", "", "", "16", "", "", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(250));
        var postcopy = MigrationSettings.Parse("s", "postcopy-ram", "", "16", "", "", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(250));
        Assert.Null(MigrationFault.Parse("s", " ", "3", precopy));
        foreach (var kind in MigrationFault.Kinds)
        {
            Assert.Matches("^[a-z0-9][a-z0-9-]*$", kind);
            var f = MigrationFault.Parse("s", kind, "1.5", postcopy)!;
            Assert.Equal(kind, f.Kind);
            Assert.Equal(TimeSpan.FromSeconds(1.5), f.After);
        }
        Assert.Equal(MigrationFault.DefaultAfter, MigrationFault.Parse("s", "kill-source", "", precopy)!.After);

        foreach (var (kind, after, settings, expected) in new[]
        {
            ("kill-everything", "2", precopy, "fault 'kill-everything' is not one VirtLab injects"),
            ("../kill-source", "2", precopy, "is not one VirtLab injects"),
            ("kill-source", "0", precopy, "FaultAfterSeconds '0'"),
            ("kill-source", "-1", precopy, "FaultAfterSeconds '-1'"),
            ("kill-source", "1e9", precopy, "FaultAfterSeconds '1e9'"),
            ("kill-source", "NaN", precopy, "FaultAfterSeconds 'NaN'"),
            ("postcopy-stream-cut", "2", precopy, "needs postcopy"),
        })
        {
            var e = Assert.Throws<LabException>(() => MigrationFault.Parse("faulty", kind, after, settings));
            Assert.Equal(LabCodes.ConfigBadValue, e.Code);
            Assert.StartsWith("Migration scenario 'faulty': ", e.Message);
            Assert.Contains(expected, e.Message);
            Assert.False(string.IsNullOrEmpty(e.Fix));
        }
    }

    [Fact]
    public void A_cancelled_migration_says_who_cancelled_it_and_why()
    {
        var settings = MigrationSettings.Parse("s", "", "", "16", "", "", TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(250));
        var last = new MigrationSample(6.2, "cancelled", 40 << 20, null, null, null, null, null, null, null);
        Assert.Equal(MigrationOutcome.Failed, MigrationRunner.Cancelled(null, null, null, last, settings, null).Outcome);
        Assert.Equal(MigrationOutcome.DidNotConverge, MigrationRunner.Cancelled(6, null, null, last, settings, null).Outcome);

        var (outcome, reason) = MigrationRunner.Cancelled(2.01, 2.01, null, last, settings, new MigrationFault(MigrationFault.MigrateCancel, TimeSpan.FromSeconds(2)));
        Assert.Equal(MigrationOutcome.Cancelled, outcome);
        Assert.Equal("migrate_cancel 2.01 s after the migrate command (the scenario's fault)", reason);

        (outcome, reason) = MigrationRunner.Cancelled(6.01, 2.02, 38 << 20, last, settings, new MigrationFault(MigrationFault.StreamCut, TimeSpan.FromSeconds(2)));
        Assert.Equal(MigrationOutcome.Cancelled, outcome);
        Assert.Equal("the stream was cut 2.02 s after the migrate command (the lab's loopback down) and QEMU did not notice; 2.0 MiB sent after the cut; migrate_cancel at the 6 s deadline", reason);
    }

    [Fact]
    public void Postcopy_recovery_uses_a_new_port_on_the_same_loopback()
    {
        Assert.Equal("tcp:127.0.0.1:50153", MigrationRunner.RecoveryUri("tcp:127.0.0.1:49153"));
        Assert.Equal("tcp:127.0.0.1:64535", MigrationRunner.RecoveryUri("tcp:127.0.0.1:65535"));
        Assert.Equal(LabCodes.ConfigBadValue, Assert.Throws<LabException>(() => MigrationRunner.RecoveryUri("tcp:10.0.0.1:49153")).Code);
        Assert.Equal(LabCodes.ConfigBadValue, Assert.Throws<LabException>(() => MigrationRunner.RecoveryUri("tcp:127.0.0.1:49153;reboot")).Code);
    }

    [Fact]
    public void Status_sequences_and_the_guests_fate()
    {
        Assert.Equal("setup>active>postcopy-active>postcopy-paused>postcopy-recover>postcopy-active>completed",
            MigrationResult.Sequence(["setup", "active", "active", "postcopy-active", "", "postcopy-paused", "postcopy-paused", "postcopy-recover", "postcopy-active", "completed"]));
        Assert.Equal("", MigrationResult.Sequence([]));
        Assert.Equal(GuestFate.OnDestination, GuestFate.Of(completed: true, currentQemuRunning: true));
        Assert.Equal(GuestFate.OnSource, GuestFate.Of(completed: false, currentQemuRunning: true));
        Assert.Equal(GuestFate.Lost, GuestFate.Of(completed: false, currentQemuRunning: false));

        var lost = IntegrityReport.Lost("no QEMU runs the guest");
        Assert.Equal("guest-lost", lost.Label);
        Assert.False(lost.Failed);
        Assert.True(new IntegrityReport(false, ["pattern changed"], "").Failed);
    }

    [Fact]
    public void The_orchestrators_footprint_from_proc()
    {
        var status = File.ReadAllText("/proc/self/status");
        var f = ProcessFootprint.From(12, status);
        Assert.Equal(12, f.OpenFiles);
        Assert.True(f.RssKiB > 1024, status);
        Assert.True(f.Threads >= 1, status);
        Assert.Matches(@"^open files [0-9]+, RSS [0-9]+\.[0-9] MiB, threads [0-9]+$", ProcessFootprint.Current().Describe());
        Assert.Equal("open files 3, RSS 2.0 MiB, threads 4", ProcessFootprint.From(3, "Name:\tx\nVmRSS:\t    2048 kB\nThreads:\t4\n").Describe());
    }

    [Fact]
    public void Fault_matrix_of_real_records_one_row_per_fault_with_what_QEMU_said()
    {
        var records = RecordFile.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "migration", "records-faults.ndjson"));
        var rows = FaultMatrix.From(records);
        Assert.Equal([MigrationFault.KillSource, MigrationFault.StreamCut, MigrationFault.PostcopyStreamCut, MigrationFault.MigrateCancel], rows.Select(r => r.Fault));

        var killed = rows[0];
        Assert.Equal((MigrationOutcome.Failed, GuestFate.Lost, "guest-lost"), (killed.Outcome, killed.GuestOutcome, killed.Integrity));
        Assert.EndsWith(">failed", killed.DestinationStatuses);
        Assert.Contains("the destination QEMU exited on its own", killed.Reason);

        var cut = rows[1];
        Assert.Equal((MigrationOutcome.Cancelled, GuestFate.OnSource, "verified"), (cut.Outcome, cut.GuestOutcome, cut.Integrity));
        Assert.EndsWith(">cancelled", cut.SourceStatuses);
        Assert.Contains("migrate_cancel at the 6 s deadline", cut.Reason);

        var postcopy = rows[2];
        Assert.Equal((MigrationOutcome.Completed, GuestFate.OnDestination, "verified"), (postcopy.Outcome, postcopy.GuestOutcome, postcopy.Integrity));
        Assert.Contains("postcopy-active>postcopy-paused>", postcopy.SourceStatuses);
        Assert.Contains("postcopy-paused>setup>postcopy-recover>postcopy-active>completed", postcopy.DestinationStatuses);
        Assert.True(postcopy.FaultAt < postcopy.PausedAt && postcopy.PausedAt < postcopy.RecoveredAt);

        var cancelled = rows[3];
        Assert.Equal((MigrationOutcome.Cancelled, GuestFate.OnSource, "verified"), (cancelled.Outcome, cancelled.GuestOutcome, cancelled.Integrity));
        Assert.Equal("setup>active>cancelled", cancelled.SourceStatuses);

        // The summary: a lost guest is the fault's expected result, not an integrity failure.
        var model = MigrationSummary.From("live-migration", "quick", records);
        Assert.Empty(model.IntegrityFailures);
        var template = Path.Combine(RepoCopy.FindRepoRoot(), "templates", "live-migration-summary.md.sbn");
        var text = TemplateRenderer.Render(template, model, new Dictionary<string, object?> { ["records_file"] = "records.ndjson", ["missing_cells"] = 0 });
        Assert.Contains("## Fault matrix (questions G and H)", text);
        Assert.Contains("| **kill-source** | source-killed #1 | source QEMU killed (SIGKILL) mid pre-copy, at ", text);
        Assert.Contains("| failed | **lost** | — (no guest) | `setup>active` |", text);
        Assert.Contains("| completed | **survived-on-destination** | ✓ yes | `setup>active>postcopy-active>postcopy-paused>", text);
        Assert.Contains("— guest lost (kill-source)", text);
        Assert.DoesNotContain("INTEGRITY CHECK FAILED", text);
    }
}
