using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Report;
using Xunit;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>
/// Where a switch-over's pause goes, from trace logs QEMU 7.2.22 (Debian 12) and 10.0.2
/// (bookworm-backports) wrote for a real migration (tests/fixtures/qemu-trace/, -msg timestamp=on,
/// the events of <see cref="SwitchoverTrace"/>): 10.x has the vmstate_downtime_* trace points and
/// splits what 7.2 can only show as merged steps.
/// </summary>
public sealed class SwitchoverBreakdownTests
{
    private static IReadOnlyList<QemuTraceLine> Trace(string name) =>
        QemuTraceLine.Parse(File.ReadLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "qemu-trace", name)))
            .Where(l => SwitchoverTrace.Events.Contains(l.Event)).ToList();

    private static DateTimeOffset At(long seconds, int micro) => DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micro * 10L);

    [Fact]
    public void A_trace_line_carries_the_host_clock_the_thread_and_the_event()
    {
        var line = QemuTraceLine.Parse(["21570@1795984055.909089:vmstate_downtime_save type=non-iterable idstr=0000:00:01.3/piix4_pm instance_id=0 downtime=1067"]).Single();
        Assert.Equal(At(1795984055, 909089), line.Time);
        Assert.Equal(21570, line.Thread);
        Assert.Equal("vmstate_downtime_save", line.Event);
        Assert.Equal("0000:00:01.3/piix4_pm", line.Argument("idstr"));
        Assert.Equal("1067", line.Argument("downtime"));
        Assert.Null(line.Argument("down"));
    }

    [Fact]
    public void Lines_without_a_timestamp_are_not_read_as_events_at_time_zero()
    {
        Assert.Empty(QemuTraceLine.Parse(["runstate_set current_run_state 6 (prelaunch) new_state 9 (running)", "", "12@x:event"]));
    }

    [Fact]
    public void Qemu_7_2_shows_the_steps_its_trace_points_bound_and_merges_the_rest()
    {
        var b = SwitchoverBreakdown.From(Trace("idle-7.2-source.log"), Trace("idle-7.2-destination.log"), At(1795984050, 600000))!;

        Assert.Equal(["wait-for-lock+stop-vcpus", "stop-notifiers", "final-dirty-sync", "send-ram+send-devices+source-finish", "destination-load", "destination-start"],
            b.Steps.Select(s => s.Name));
        // From migration_thread_low_pending (.661180) to the destination's vm_state_notify running (.666327).
        Assert.Equal(5.147, b.TotalMilliseconds, 3);
        Assert.Equal(2.637, b.Steps[3].Milliseconds, 3);
        Assert.Equal(0.061180, b.DecidedAtT, 6);
        Assert.Equal(0, b.PendingBytes);
        Assert.Equal(0, b.ThresholdBytes);
        Assert.Null(b.SlowestSave);
        Assert.Null(b.SlowestLoad);
    }

    [Fact]
    public void Qemu_10_0_splits_the_pause_into_lock_vcpu_stop_ram_devices_and_destination()
    {
        var b = SwitchoverBreakdown.From(Trace("idle-10.0-source.log"), Trace("idle-10.0-destination.log"), At(1795984055, 0))!;

        Assert.Equal(["wait-for-lock", "stop-vcpus", "stop-notifiers", "final-dirty-sync", "send-ram", "send-devices", "source-finish", "destination-load", "destination-start"],
            b.Steps.Select(s => s.Name));
        Assert.Equal(0.343, b.Steps[1].Milliseconds, 3);
        Assert.Equal(2.173, b.Steps[5].Milliseconds, 3);
        Assert.Equal(2.832, b.Steps[7].Milliseconds, 3);
        Assert.Equal(5.858, b.TotalMilliseconds, 3);
        Assert.Null(b.ThresholdBytes); // 10.x traces no threshold
        Assert.Equal(("0000:00:01.3/piix4_pm", 1.067), b.SlowestSave);
        Assert.Equal(("0000:00:01.3/piix4_pm", 0.569), b.SlowestLoad);
        Assert.Contains("send-devices 2.2", b.Describe());
    }

    [Fact]
    public void A_busy_guest_on_10_0_pauses_mostly_for_the_last_dirty_ram()
    {
        // switchover.proj, pause-memory on debian-backports, migration 10 (mig-9 → mig-10), sysbench memory running in the guest.
        var source = Trace("sysbench-memory-10.0-source.log");
        var startedAt = source.First(l => l.Event == "migrate_set_state" && l.Arguments == "new state setup" && l.Time > At(1795987150, 0)).Time;
        var b = SwitchoverBreakdown.From(source.Where(l => l.Time >= startedAt).ToList(), Trace("sysbench-memory-10.0-destination.log"), startedAt)!;

        Assert.Equal(33574912, b.PendingBytes); // 32.0 MiB left when QEMU decided to stop: under 128 MiB/s × 300 ms
        Assert.Equal("send-ram", b.Steps.MaxBy(s => s.Milliseconds)!.Name);
        Assert.InRange(b.Steps.Single(s => s.Name == "send-ram").Milliseconds, 69.1, 69.3);
        Assert.InRange(b.TotalMilliseconds, 84.5, 85.5);
        Assert.True(b.Steps.Single(s => s.Name == "stop-vcpus").Milliseconds < 1);
        // The slowest device state is a device's, never RAM's (RAM is the iterable save, timed as send-ram).
        Assert.NotNull(b.SlowestSave);
        Assert.NotEqual("ram", b.SlowestSave.Value.Device);
    }

    [Fact]
    public void A_destination_done_before_the_source_tidied_up_adds_no_negative_time()
    {
        QemuTraceLine L(int micro, string ev, string args) => new(At(100, micro), 1, ev, args);
        var source = new[]
        {
            L(1000, "migrate_pending", "pending size 9000000 max 8000000 (pre = 9000000 compat=0 post=0)"),
            L(2000, "migration_thread_low_pending", "7340032"),
            L(500000, "vm_state_notify", "running 0 reason 7 (finish-migrate)"),
            L(501000, "migration_completion_vm_stop", "ret 0"),
            L(560000, "migrate_set_state", "new state completed"),
        };
        var destination = new[]
        {
            L(550000, "process_incoming_migration_co_end", "ret=0 postcopy-state=0"),
            L(580000, "vm_state_notify", "running 1 reason 9 (running)"),
        };
        var b = SwitchoverBreakdown.From(source, destination, At(100, 0))!;

        Assert.Equal(498, b.Steps[0].Milliseconds, 3); // the vCPUs took half a second to stop
        Assert.Equal(0, b.Steps.Single(s => s.Name == "destination-load").Milliseconds);
        Assert.Equal(578, b.TotalMilliseconds, 3);
        Assert.Equal(7340032, b.PendingBytes);
        Assert.Equal(8000000, b.ThresholdBytes);
        Assert.Equal("wait-for-lock+stop-vcpus", b.Steps.MaxBy(s => s.Milliseconds)!.Name);
    }

    [Fact]
    public void No_breakdown_without_a_pre_copy_decision_to_stop()
    {
        QemuTraceLine L(int micro, string ev, string args) => new(At(100, micro), 1, ev, args);
        Assert.Null(SwitchoverBreakdown.From([L(1, "migrate_set_state", "new state cancelled")], [], At(100, 0)));
        // Post-copy stops the source without migration_thread_low_pending.
        Assert.Null(SwitchoverBreakdown.From([L(1, "vm_state_notify", "running 0 reason 7 (finish-migrate)")], [], At(100, 0)));
    }

    [Fact]
    public void Reading_a_trace_log_keeps_only_the_switchover_events_of_the_migrations_window()
    {
        var dir = Directory.CreateTempSubdirectory("vl-trace-");
        try
        {
            var log = Path.Combine(dir.FullName, "mig-1.trace.log");
            File.WriteAllLines(log,
            [
                "7@100.000000:migrate_set_state new state active",
                "7@105.000000:migrate_set_state new state completed",
                "7@105.100000:virtio_queue_notify vdev 0x1 n 0 vq 0x2",
                "7@200.000000:migrate_set_state new state setup",
            ]);
            var lines = SwitchoverTrace.Read(log, At(104, 0), At(106, 0));
            Assert.Equal(["new state completed"], lines.Select(l => l.Arguments));
            Assert.Empty(SwitchoverTrace.Read(Path.Combine(dir.FullName, "missing.log"), At(0, 0), At(999, 0)));
            Assert.Empty(SwitchoverTrace.Read(null, At(0, 0), At(999, 0)));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Each_generation_of_a_migrated_guest_writes_its_own_trace_log()
    {
        var guest = VirtLab.Tasks.LabGuest.From(GuestKernelArgumentsTests.GuestItem("pti=on")).Spec("mig-0", "tcg", "virtio-net-pci") with
        {
            SerialLog = "/run/x/mig-0.serial.log", TraceLog = "/run/x/mig-0.trace.log",
        };
        var next = MigrationScenarioRunner.SpecFor(guest, "mig-1", "defer");
        Assert.Equal("/run/x/mig-1.trace.log", next.TraceLog);
        Assert.Null(MigrationScenarioRunner.SpecFor(guest with { TraceLog = null }, "mig-1", null).TraceLog);
        var args = QemuCommandLine.Build(next, "/tmp/p", "/tmp/q");
        Assert.Equal("timestamp=on", args[args.IndexOf("-msg") + 1]);
    }

    [Fact]
    public void The_switchover_summary_shows_each_cell_from_a_real_run()
    {
        // The figure records of a default run of experiments/switchover.proj (2026-11-29, both builds, 10 + 10 + 3 migrations each).
        var dir = Directory.CreateTempSubdirectory("virtlab-switchover-summary-").FullName;
        try
        {
            var md = SummaryRendering.Render(dir, "switchover", "default",
                [Path.Combine(AppContext.BaseDirectory, "fixtures", "migration", "records-switchover.ndjson")], "switchover-summary.md.sbn");
            Assert.Contains("| pause-cpu-distro | sysbench-cpu | 7.2.22 | 10 | 0 |", md);
            Assert.Contains("| pause-memory-debian-backports | sysbench-memory | 10.0.2 | 10 | 0 |", md);
            Assert.Contains("send-ram+send-devices+source-finish", md);
            Assert.Contains("· send-devices ", md);
            // 7.2's multifd migrations report QEMU's total time and downtime once the completion race is waited out.
            Assert.Matches(@"\| pause-multifd-distro \| 1 \| completed \| [0-9.]+ \| 1151 \| 39 \|", md);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_missing_summary_template_is_a_lab_error_naming_the_file_to_add()
    {
        var engine = new TestBuildEngine();
        var render = new VirtLab.Tasks.RenderSummary
        {
            BuildEngine = engine, Kind = "migration", Experiment = "nowhere", Profile = "quick", RecordFiles = [],
            Template = "/nonexistent/nowhere-summary.md.sbn", RecordsFile = "/nonexistent/records.ndjson", SummaryFile = "/nonexistent/summary.md",
        };
        Assert.False(render.Execute());
        Assert.Contains("LAB0070", engine.ErrorText);
        Assert.Contains("templates/nowhere-summary.md.sbn", engine.ErrorText);
    }

    [Fact]
    public void The_report_says_where_an_over_limit_pause_went()
    {
        var labels = new SortedDictionary<string, string> { ["scenario"] = "homework", ["migration"] = "1", ["kind"] = "migration", ["workload"] = "sysbench-cpu" };
        Record R(string metric, double v, params (string, string)[] extra)
        {
            var l = new SortedDictionary<string, string>(labels);
            foreach (var (k, x) in extra) l[k] = x;
            return new Record(metric, v, "ms", l, DateTimeOffset.UnixEpoch);
        }
        var t = MigrationTimeline.From(
        [
            R("migration_downtime", 650), R("switchover_step", 20, ("step", "send-ram"), ("order", "2"), ("t", "3.1")),
            R("switchover_step", 600, ("step", "wait-for-lock+stop-vcpus"), ("order", "1"), ("t", "2.5")), R("switchover_pending", 1.5),
        ]).Single();
        Assert.Equal(["wait-for-lock+stop-vcpus", "send-ram"], t.SwitchoverSteps!.Select(s => s.Name));
        Assert.Equal("wait-for-lock+stop-vcpus 600 ms, send-ram 20 ms of 620 ms from the decision to stop until the guest ran again, with 1.5 MiB of RAM left to send", t.SwitchoverText);
    }
}
