using VirtLab.Migration;
using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// Builds experiments/live-migration.proj with the quick profile in a copy of the tree: real TCG
/// guests migrated between QEMU processes in the lab namespace while iperf3, sysbench and
/// stress-ng run in them, and the fault matrix (each fault scenario boots its own guest): about five
/// minutes here, two and a half of them the five fault scenarios.
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class LiveMigrationEndToEndTests
{
    private const string Project = "experiments/live-migration.proj";

    [Fact]
    public void Quick_build_keeps_the_stream_across_migrations_verifies_the_guest_and_writes_records()
    {
        using var copy = new RepoCopy();
        var rootRoutes = RootRoutes();
        ProcessResult first;
        int pid;
        // QEMU 7.2 under TCG has corrupted a pti=on guest after a long auto-converge migration (about 1 in 9
        // here; tests/fixtures/migration/guest-console-panic-after-migration.txt). That guest's records are
        // kept, labelled, instead of failing the build, so this test does not fail on QEMU's defect; the
        // strict path (LAB0044) is MigrationRunnerTests' business.
        using (var build = copy.StartBuild(Project, "-p:Profile=quick"))
        {
            pid = build.Pid;
            first = build.WaitForExit(TimeSpan.FromMinutes(10));
        }
        Assert.True(first.Succeeded, first.StandardOutput);
        EndToEnd.AssertLabGone($"virtlab-live-migration-{pid}", copy.Root);
        Assert.Equal(rootRoutes, RootRoutes());

        var results = Path.Combine(copy.Root, "results", "live-migration-quick");
        var records = RecordFile.Read(Path.Combine(results, "records.ndjson"));
        Assert.All(records, r => Assert.Equal("live-migration", r.Label("experiment")));
        Assert.All(records.Where(r => r.Label("scenario") is not ("dirty-auto-converge" or "source-killed")), r => Assert.Equal("verified", r.Label("integrity")));
        Assert.All(records, r => Assert.Equal("pti=on", r.Label("guest_kernel_args")));
        double Figure(string scenario, string migration, string metric) =>
            records.Single(r => r.Label("scenario") == scenario && r.Label("migration") == migration && r.Metric == metric && r.Label("kind") == "migration").Value!.Value;

        // Question D as the homework asked it: each workload across a default migration, against its baseline.
        foreach (var (index, workload) in new[] { ("1", "iperf"), ("2", "sysbench-cpu"), ("3", "sysbench-memory") })
        {
            var outcome = records.First(r => r.Label("scenario") == "homework" && r.Label("migration") == index).Label("outcome");
            Assert.Equal(MigrationOutcome.Completed, outcome);
            // QEMU reports whole milliseconds: a stop-and-copy of a few pages can take "0".
            Assert.InRange(Figure("homework", index, "migration_downtime"), 0, 2000);
            Assert.InRange(Figure("homework", index, "network_downtime"), 1, 5000);
            Assert.Equal(1, Figure("homework", index, "fdb_moved"));
            Assert.Equal(1, Figure("homework", index, "ssh_session_kept"));
            Assert.Equal(1, Figure("homework", index, "integrity_ok"));
            Assert.True(Figure("homework", index, "announce_rarp_frames") >= 1);
            Assert.Contains(records, r => r.Label("scenario") == "homework" && r.Label("workload") == workload && r.Metric == "workload_rate" && r.Label("phase") == "baseline" && r.Value > 0);
            Assert.Contains(records, r => r.Label("scenario") == "homework" && r.Label("workload") == workload && r.Label("kind") == "series" && r.Label("phase") == "migration");
            Assert.Contains(records, r => r.Label("scenario") == "homework" && r.Label("workload") == workload && r.Metric == "total_loss");
            // Where the pause went, from both QEMUs' trace points: from the source's decision to stop (before its STOP event)
            // until the destination's vCPUs ran (after its RESUME event), so it spans the pause the QMP events show.
            var steps = records.Where(r => r.Label("scenario") == "homework" && r.Label("migration") == index && r.Metric == "switchover_step").ToList();
            Assert.Contains(steps, s => s.Label("step")!.Contains("stop-vcpus") && s.Value >= 0);
            Assert.Contains(steps, s => s.Label("step") == "destination-start");
            var paused = (Figure("homework", index, "migration_destination_resumed_at") - Figure("homework", index, "migration_source_stopped_at")) * 1000;
            Assert.True(Figure("homework", index, "switchover_total") + 0.01 >= paused,
                $"homework {index}: switch-over {Figure("homework", index, "switchover_total")} ms < STOP→RESUME {paused} ms");
            Assert.True(File.Exists(Path.Combine(results, "raw", "homework", $"m{index}-{workload}-switchover-trace.txt")));
        }
        Assert.Equal(1, Figure("homework", "1", "stream_kept"));

        // The fault matrix: each fault's outcome, where the guest ended up, and that it was verified there.
        string Label(string scenario, string label) => records.First(r => r.Label("scenario") == scenario && r.Label("kind") == "migration").Label(label)!;
        foreach (var (scenario, fault, outcome, fate) in new[]
        {
            ("destination-killed", MigrationFault.KillDestination, MigrationOutcome.Failed, GuestFate.OnSource),
            ("source-killed", MigrationFault.KillSource, MigrationOutcome.Failed, GuestFate.Lost),
            ("stream-cut", MigrationFault.StreamCut, MigrationOutcome.Cancelled, GuestFate.OnSource),
            ("postcopy-stream-cut", MigrationFault.PostcopyStreamCut, MigrationOutcome.Completed, GuestFate.OnDestination),
            ("migrate-cancel", MigrationFault.MigrateCancel, MigrationOutcome.Cancelled, GuestFate.OnSource),
        })
        {
            Assert.Equal((fault, outcome, fate), (Label(scenario, "fault"), Label(scenario, "outcome"), Label(scenario, "guest_outcome")));
            Assert.Equal(fate == GuestFate.Lost ? "guest-lost" : "verified", Label(scenario, "integrity"));
            Assert.True(Figure(scenario, "1", "migration_fault_injected_at") > 0);
        }
        // The guest lost with its source: the destination is gone too, and nothing was left running (AssertLabGone above).
        Assert.Contains("the destination QEMU", Label("source-killed", "reason"));
        Assert.DoesNotContain(records, r => r.Label("scenario") == "source-killed" && r.Metric == "integrity_ok");
        // The cut stream: QEMU kept waiting for it; VirtLab cancelled at the deadline and the source kept running.
        Assert.EndsWith(">cancelled", Label("stream-cut", "source_statuses"));
        Assert.Equal(1, Figure("stream-cut", "1", "ssh_session_kept"));
        // Postcopy: both sides paused once the stream was cut, then recovered on a new channel and completed.
        Assert.Contains("postcopy-active>postcopy-paused>", Label("postcopy-stream-cut", "source_statuses"));
        Assert.Contains("postcopy-paused>", Label("postcopy-stream-cut", "destination_statuses"));
        Assert.EndsWith("postcopy-recover>postcopy-active>completed", Label("postcopy-stream-cut", "destination_statuses"));
        Assert.True(Figure("postcopy-stream-cut", "1", "migration_recovered_at") > Figure("postcopy-stream-cut", "1", "migration_paused_at"));
        Assert.Equal("tap-mig-1", records.Single(r => r.Label("scenario") == "postcopy-stream-cut" && r.Metric == "fdb_moved").Label("fdb_after"));
        Assert.Equal(1, Figure("postcopy-stream-cut", "1", "integrity_ok"));

        // The dirty-memory load: QEMU's defaults never catch up with it; auto-converge throttles the guest until they do.
        Assert.Contains(records, r => r.Label("scenario") == "dirty-default" && r.Label("outcome") == MigrationOutcome.DidNotConverge);
        Assert.Equal("tap-mig-0", records.Single(r => r.Label("scenario") == "dirty-default" && r.Metric == "fdb_moved").Label("fdb_after"));
        Assert.Contains(records, r => r.Label("scenario") == "dirty-auto-converge" && r.Label("outcome") == MigrationOutcome.Completed);
        Assert.True(Figure("dirty-auto-converge", "1", "migration_cpu_throttle_max") >= 20);
        Assert.Contains(records, r => r.Label("series") == "migration" && r.Metric == "ram_remaining" && r.Label("t") is not null);

        // Every completed migration: VirtLab's elapsed ≥ QEMU's total ≥ QEMU's downtime (QEMU rounds to whole ms); none needed LAB0046.
        foreach (var total in records.Where(r => r.Metric == "migration_total_time" && r.Label("kind") == "migration" && r.Label("outcome") == MigrationOutcome.Completed))
        {
            var (scenario, migration) = (total.Label("scenario")!, total.Label("migration")!);
            var figures = records.Where(r => r.Label("scenario") == scenario && r.Label("migration") == migration && r.Label("kind") == "migration")
                .GroupBy(r => r.Metric).ToDictionary(g => g.Key, g => g.First().Value);
            Assert.True(figures.ContainsKey("migration_elapsed"), $"{scenario} {migration}: no migration_elapsed among {string.Join(", ", figures.Keys)}");
            Assert.True(figures["migration_elapsed"] * 1000 + 1 >= total.Value, $"{scenario} {migration}: elapsed {figures["migration_elapsed"]} s < total {total.Value} ms");
            if (figures.GetValueOrDefault("migration_downtime") is { } downtime)
                Assert.True(downtime <= total.Value, $"{scenario} {migration}: downtime {downtime} ms > total {total.Value} ms");
        }
        Assert.DoesNotContain(records, r => r.Label("time_order") is not null);
        Assert.DoesNotContain("LAB0046", first.StandardOutput);
        // The outside view at 5 ms, and where it was measured.
        Assert.All(records, r => Assert.Equal("5", r.Label("ping_interval_ms")));
        Assert.All(records, r => Assert.NotNull(r.Label("host_virt")));
        Assert.All(records, r => Assert.NotNull(r.Label("host_cores")));

        var summary = File.ReadAllText(Path.Combine(results, "summary.md"));
        Assert.Contains("| **postcopy-stream-cut** | postcopy-stream-cut #1 |", summary);
        Assert.Contains("| homework | 1 | iperf | QEMU defaults | **completed** |", summary);
        Assert.Contains("| dirty-default | 1 | dirty-memory | QEMU defaults | **did-not-converge** |", summary);
        Assert.True(File.Exists(Path.Combine(results, "raw", "homework", "m1-iperf-announce.pcap")));
        Assert.True(File.Exists(Path.Combine(results, "raw", "homework", "m1-iperf-migration.json")));

        var second = copy.Build(TimeSpan.FromMinutes(3), Project, "-p:Profile=quick");
        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.DoesNotContain("answered SSH", second.StandardOutput);
        Assert.DoesNotContain("migration 1", second.StandardOutput);
    }

    [Fact]
    public void Ctrl_C_mid_migration_leaves_no_QEMU_namespace_process_or_result_and_the_next_build_measures_again()
    {
        using var copy = new RepoCopy();
        // Only dirty-default in the quick profile: its migration runs until the deadline, so the interrupt
        // lands while both QEMUs, the migration stream, ping and the announce capture are all running.
        var project = Path.Combine(copy.Root, Project);
        var text = File.ReadAllText(project);
        foreach (var scenario in new[] { "homework", "dirty-auto-converge", "destination-killed", "source-killed", "stream-cut", "postcopy-stream-cut", "migrate-cancel" })
            text = System.Text.RegularExpressions.Regex.Replace(text, $"(<MigrationScenario Include=\"{scenario}\"[^>]*) Quick=\"true\"", "$1");
        // At 16 MiB/s the 512 MiB guest takes half a minute whatever the load dirties: the interrupt lands mid-migration
        // even on a busy machine (once, dirty-default's load started late and it converged in 1.1 s).
        text = text.Replace("<MigrationScenario Include=\"dirty-default\" ", "<MigrationScenario Include=\"dirty-default\" MaxBandwidthMiB=\"16\" ");
        File.WriteAllText(project, text);
        var result = Path.Combine(copy.Root, "results", "live-migration-quick", "dirty-default.ndjson");

        using (var build = copy.StartBuild(Project, "-p:Profile=quick"))
        {
            Assert.True(build.WaitForOutput("dirty-default: migration 1 (", TimeSpan.FromMinutes(5)), build.Output);
            var lab = $"virtlab-live-migration-{build.Pid}";
            var netns = new FileInfo($"/proc/{build.Pid}/ns/net").LinkTarget; // the root namespace's, for contrast
            var labNamespace = NamespaceOf($"/var/run/netns/{lab}");
            Assert.NotEqual(netns, labNamespace);
            // The log line comes before the guest's integrity pattern is written and the load starts; the
            // destination QEMU starts only then, with the migration.
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (EndToEnd.QemuProcessesOf(copy.Root).Count < 2 && DateTime.UtcNow < deadline) Thread.Sleep(100);
            Thread.Sleep(TimeSpan.FromSeconds(1));
            var inLab = ProcessesIn(labNamespace);
            Assert.True(inLab.Count >= 4, $"two QEMUs, ping and the announce capture should run in the lab while it migrates; found: {string.Join(" | ", inLab.Select(CommandLine))}\n{build.Output}");

            build.SendToGroup("INT");
            var interrupted = build.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.False(interrupted.Succeeded);

            EndToEnd.AssertLabGone(lab, copy.Root);
            Assert.Empty(ProcessesIn(labNamespace));
        }
        Assert.False(File.Exists(result), "an interrupted scenario must not leave its result");
        Assert.Empty(Directory.GetFiles(Path.Combine(copy.Root, "results"), "*.tmp", SearchOption.AllDirectories));

        var next = copy.Build(TimeSpan.FromMinutes(5), Project, "-p:Profile=quick");
        Assert.True(next.Succeeded, next.StandardOutput);
        Assert.Contains("dirty-default: migration 1 (", next.StandardOutput);
        Assert.True(File.Exists(result));
    }

    /// <summary>The namespace a file (a /var/run/netns mount or /proc/&lt;pid&gt;/ns/net) refers to, as "net:[inode]".</summary>
    private static string NamespaceOf(string path) =>
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "stat", ["-L", "-c", "net:[%i]", path], TimeSpan.FromSeconds(10)).StandardOutput.Trim();

    private static string CommandLine(string pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (IOException) { return pid; }
    }

    private static List<string> ProcessesIn(string netns) =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(p => p!.All(char.IsAsciiDigit))
            .Where(p => { try { return new FileInfo($"/proc/{p}/ns/net").LinkTarget == netns; } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; } })
            .Select(p => p!).ToList();

    private static string RootRoutes() =>
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["route", "show", "table", "all"], TimeSpan.FromSeconds(10)).StandardOutput;
}
