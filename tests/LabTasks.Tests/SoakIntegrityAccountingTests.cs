using System.Text.Json;
using Microsoft.Build.Utilities;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Report;
using VirtLab.Tasks;
using VirtLab.Util;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

/// <summary>
/// Counting after a corrupted guest (AfterIntegrityFailure=reboot): the scenario's loop with fake
/// steps (no guest), the records it leaves (integrity=failed on the failed migrations,
/// integrity_failures k of n per workload), and the summary's per-scenario rate with its
/// Clopper–Pearson interval, per QEMU build.
/// </summary>
public sealed class SoakIntegrityAccountingTests
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 29, 18, 0, 0, TimeSpan.Zero);

    private static GuestSpec Guest() =>
        LabGuest.From(GuestKernelArgumentsTests.GuestItem("pti=on")).Spec("mig-0", "tcg", "virtio-net-pci", "/tmp/run/soak/mig-0.serial.log",
            variant: GuestVariant.Parse("s", "pti=on", "single", "max,-pcid", "tcg"));

    private static ScenarioPlan Plan(int repeats, AfterIntegrityFailure policy, params string[] workloads) =>
        new("soak-pti", workloads.Length == 0 ? ["dirty-memory+iperf"] : workloads, new MigrationSettings(), null, TimeSpan.Zero, TimeSpan.Zero,
            TimeSpan.Zero, TimeSpan.FromMilliseconds(5), repeats, policy);

    [Fact]
    public void With_reboot_a_corrupted_guest_is_replaced_and_the_scenario_makes_all_its_migrations()
    {
        var steps = new FakeSteps(failAt: [2, 5]);
        var runs = MigrationScenarioRunner.Run(Plan(6, AfterIntegrityFailure.Reboot), Guest(), steps, steps.Log.Add, CancellationToken.None);

        Assert.Equal([1, 2, 3, 4, 5, 6], runs.Select(r => r.Index));
        Assert.Equal([false, true, false, false, true, false], runs.Select(r => r.Integrity.Failed));
        // Migration 2 left mig-2 corrupted: it is stopped, mig-3 boots afresh and is migrated on (mig-3 → mig-4 …).
        Assert.Equal([("mig-2", "mig-3"), ("mig-6", "mig-7")], steps.Reboots.Select(r => (r.Corrupted.Name, r.Fresh.Name)));
        Assert.Equal(["mig-0", "mig-1", "mig-3", "mig-4", "mig-5", "mig-7"], steps.Sources);
        Assert.Equal([1, 1, 2, 2, 2, 3], runs.Select(r => r.GuestBoot));
        // The fresh guest is the same guest: same variant, MAC and kernel arguments, its own tap and serial log, not a destination.
        var fresh = steps.Reboots[0].Fresh;
        Assert.Equal(("tcg", "single", "max,-pcid"), (fresh.Accel, fresh.TcgThreads, fresh.CpuModel));
        Assert.Equal(["pti=on"], fresh.ExtraKernelArgs);
        Assert.Equal(Guest().Nics[0].Mac, fresh.Nics[0].Mac);
        Assert.Equal("tap-mig-3", fresh.Nics[0].Tap);
        Assert.Equal("/tmp/run/soak/mig-3.serial.log", fresh.SerialLog);
        Assert.Null(fresh.Incoming);
        Assert.Single(steps.Baselines); // one baseline per workload, not one per guest
        Assert.Contains(steps.Log, l => l.Contains("a fresh guest (mig-3) boots for the scenario's remaining 4 migrations"));

        var records = Records(runs);
        var failures = Assert.Single(records, r => r.Metric == "integrity_failures");
        Assert.Equal(2, failures.Value);
        Assert.Equal("6", failures.Label("migrations"));
        Assert.Equal("3", failures.Label("guest_boots"));
        Assert.Equal("failed", failures.Label("integrity"));
        Assert.Equal("single", failures.Label("tcg_threads"));
        Assert.Equal(["2", "5"], records.Where(r => r.Metric == "integrity_ok" && r.Value == 0).Select(r => r.Label("migration")));
        Assert.Equal(["1", "3", "4", "6"], records.Where(r => r.Metric == "integrity_ok" && r.Value == 1).Select(r => r.Label("migration")));
        Assert.All(records.Where(r => r.Label("migration") == "5"), r => Assert.Equal("failed", r.Label("integrity")));
        Assert.All(records.Where(r => r.Label("migration") == "6"), r => Assert.Equal(("verified", "3"), (r.Label("integrity"), r.Label("guest_boot"))));
    }

    [Fact]
    public void With_stop_the_default_a_corrupted_guest_ends_the_scenario_as_before()
    {
        var steps = new FakeSteps(failAt: [2]);
        var runs = MigrationScenarioRunner.Run(Plan(6, AfterIntegrityFailure.Stop), Guest(), steps, steps.Log.Add, CancellationToken.None);
        Assert.Equal(2, runs.Count);
        Assert.Empty(steps.Reboots);
        var failures = Assert.Single(Records(runs), r => r.Metric == "integrity_failures");
        Assert.Equal((1.0, "2", "1"), (failures.Value!.Value, failures.Label("migrations"), failures.Label("guest_boots")));
        Assert.Equal(AfterIntegrityFailure.Stop, Plan(1, default).AfterIntegrityFailure);
    }

    [Fact]
    public void A_failure_in_the_last_migration_boots_no_guest_and_one_that_does_not_boot_ends_the_scenario()
    {
        var last = new FakeSteps(failAt: [3]);
        Assert.Equal(3, MigrationScenarioRunner.Run(Plan(3, AfterIntegrityFailure.Reboot), Guest(), last, last.Log.Add, CancellationToken.None).Count);
        Assert.Empty(last.Reboots);

        var noBoot = new FakeSteps(failAt: [1], bootSucceeds: false);
        var runs = MigrationScenarioRunner.Run(Plan(5, AfterIntegrityFailure.Reboot), Guest(), noBoot, noBoot.Log.Add, CancellationToken.None);
        Assert.Single(runs);
        Assert.Single(noBoot.Reboots);
        Assert.Contains(noBoot.Log, l => l.Contains("did not boot"));
    }

    [Fact]
    public void A_guest_whose_QEMU_ended_after_a_completed_migration_is_replaced_too_and_every_workload_keeps_its_n()
    {
        // The second workload's first migration crashed its guest (QEMU gone): with reboot the scenario goes on.
        var steps = new FakeSteps(failAt: [3], crashed: [3]);
        var runs = MigrationScenarioRunner.Run(Plan(2, AfterIntegrityFailure.Reboot, "dirty-memory", "dirty-memory+iperf"), Guest(), steps, steps.Log.Add, CancellationToken.None);
        Assert.Equal(4, runs.Count);
        Assert.Equal([1, 1, 1, 2], runs.Select(r => r.GuestBoot));
        var failures = Records(runs).Where(r => r.Metric == "integrity_failures").ToDictionary(r => r.Label("workload")!);
        Assert.Equal((0.0, "2"), (failures["dirty-memory"].Value!.Value, failures["dirty-memory"].Label("migrations")));
        Assert.Equal((1.0, "2"), (failures["dirty-memory+iperf"].Value!.Value, failures["dirty-memory+iperf"].Label("migrations")));
        Assert.Equal(2, steps.Baselines.Count);

        // Without reboot the crashed guest ends it, as before.
        var stop = new FakeSteps(failAt: [3], crashed: [3]);
        Assert.Equal(3, MigrationScenarioRunner.Run(Plan(2, AfterIntegrityFailure.Stop, "dirty-memory", "dirty-memory+iperf"), Guest(), stop, stop.Log.Add, CancellationToken.None).Count);
    }

    [Fact]
    public void A_guest_corrupted_on_its_source_after_a_cancelled_migration_is_replaced_by_a_generation_no_QEMU_had_yet()
    {
        var steps = new FakeSteps(failAt: [2], cancelled: [2]);
        var runs = MigrationScenarioRunner.Run(Plan(3, AfterIntegrityFailure.Reboot), Guest(), steps, steps.Log.Add, CancellationToken.None);
        Assert.Equal(3, runs.Count);
        // Migration 2 (mig-1 → mig-2) was cancelled and mig-1 failed its check: mig-1 is stopped and mig-3 boots (mig-2's console stays as it was).
        Assert.Equal(("mig-1", "mig-3"), (steps.Reboots.Single().Corrupted.Name, steps.Reboots.Single().Fresh.Name));
        Assert.Equal(["mig-0", "mig-1", "mig-3"], steps.Sources);
        Assert.Equal("did-not-converge", Records(runs).First(r => r.Label("migration") == "2").Label("outcome"));
        var failures = Assert.Single(Records(runs), r => r.Metric == "integrity_failures");
        Assert.Equal((1.0, "3", "2"), (failures.Value!.Value, failures.Label("migrations"), failures.Label("guest_boots")));
    }

    [Fact]
    public void A_guest_lost_to_a_fault_is_no_trial()
    {
        var runs = new List<MigrationRun>
        {
            Run("s", 1, "idle", "mig-0", "mig-1", passed: true),
            Run("s", 2, "idle", "mig-1", "mig-2", passed: false) with { Integrity = IntegrityReport.Lost("kill-source") },
        };
        var failures = Assert.Single(MigrationRecords.IntegrityFailures(runs, new Dictionary<string, string>(), "s"));
        Assert.Equal((0.0, "1", "verified"), (failures.Value!.Value, failures.Label("migrations"), failures.Label("integrity")));
    }

    [Theory]
    [InlineData("", AfterIntegrityFailure.Stop)]
    [InlineData("stop", AfterIntegrityFailure.Stop)]
    [InlineData(" reboot ", AfterIntegrityFailure.Reboot)]
    public void AfterIntegrityFailure_is_stop_or_reboot(string value, AfterIntegrityFailure expected) =>
        Assert.Equal(expected, IntegrityFailurePolicy.Parse("soak-pti", value));

    [Fact]
    public void Any_other_AfterIntegrityFailure_is_LAB0002_naming_the_scenario_and_both_choices()
    {
        var e = Assert.Throws<LabException>(() => IntegrityFailurePolicy.Parse("soak-pti", "restart"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith("Migration scenario 'soak-pti': AfterIntegrityFailure 'restart'", e.Message);
        Assert.Contains("\"stop\"", e.Fix);
        Assert.Contains("\"reboot\"", e.Fix);
    }

    [Fact]
    public void The_summary_gives_k_of_n_and_the_Clopper_Pearson_interval_per_scenario_and_build()
    {
        var records = new List<Record>();
        records.AddRange(Records(Runs("soak-pti", 60, failAt: [7, 19, 33, 41, 52, 58, 60]), Build("distro", "7.2.22")));
        records.AddRange(Records(Runs("soak-pti", 60, failAt: []), Build("debian-backports", "10.0.2")));
        records.AddRange(Records(Runs("soak-nopti", 5, failAt: [1, 2, 3, 4, 5]), Build("distro", "7.2.22")));

        var summary = MigrationSummary.From("soak", "default", records);
        Assert.Equal(125, summary.Migrations.Count); // two builds' migration 1 are two rows
        var rows = summary.IntegrityRateRows.ToDictionary(r => r.Scenario);
        Assert.Equal(["soak-nopti-distro", "soak-pti-debian-backports", "soak-pti-distro"], rows.Keys);

        var reference = rows["soak-pti-distro"];
        Assert.Equal((7, 60, 60, 7), (reference.Failures, reference.Migrations, reference.Completed, reference.GuestBoots));
        Assert.Equal(("7.2.22", "pti=on", "single", "max,-pcid"), (reference.QemuVersion, reference.KernelArguments, reference.TcgThreads, reference.CpuModel));
        Assert.Equal("11.7 %", reference.RateText);
        Assert.Equal("5–23 %", reference.IntervalText);
        // 0 of 60: the rate is below ~6 % (5.96 %); 72 migrations would be needed for 5 %.
        var clean = rows["soak-pti-debian-backports"];
        Assert.Equal((0, 60, 1), (clean.Failures, clean.Migrations, clean.GuestBoots));
        Assert.Equal("0–6 %", clean.IntervalText);
        Assert.InRange(clean.Rate.Interval!.Value.Upper, 0.0595, 0.0597);
        Assert.True(Stats.Proportion.Of(0, 71).Interval!.Value.Upper > 0.05);
        Assert.True(Stats.Proportion.Of(0, 72).Interval!.Value.Upper < 0.05);
        Assert.Equal("5 / 5", $"{rows["soak-nopti-distro"].Failures} / {rows["soak-nopti-distro"].Migrations}");
        Assert.Equal(12, summary.IntegrityFailures.Count);
        Assert.Contains("soak-pti-distro migration 7 (dirty-memory+iperf): integrity failed", summary.IntegrityFailures);

        // One build only: the rows keep the scenario's own name, as live-migration's do.
        var single = MigrationSummary.From("soak", "default", Records(Runs("soak-pti", 3, failAt: [2]), Build("distro", "7.2.22")));
        Assert.Equal("soak-pti", Assert.Single(single.IntegrityRateRows).Scenario);
        Assert.Equal("soak-pti", single.Migrations[0].Scenario);
    }

    [Fact]
    public void Soaks_summary_md_shows_each_scenarios_k_of_n_and_interval()
    {
        var dir = Directory.CreateTempSubdirectory("virtlab-soak-summary-").FullName;
        try
        {
            var distro = Path.Combine(dir, "soak-pti-distro.ndjson");
            var backports = Path.Combine(dir, "soak-pti-debian-backports.ndjson");
            RecordFile.Write(distro, Records(Runs("soak-pti", 9, failAt: [4]), Build("distro", "7.2.22")));
            RecordFile.Write(backports, Records(Runs("soak-pti", 9, failAt: []), Build("debian-backports", "10.0.2")));
            var md = SummaryRendering.Render(dir, "soak", "quick", [distro, backports, Path.Combine(dir, "soak-nopti-distro.ndjson")], "soak-summary.md.sbn");
            Assert.Contains("| soak-pti-distro | `distro` 7.2.22 | `pti=on` | single | `max,-pcid` | dirty-memory+iperf | **1 / 9** | 11.1 % | 0–48 % | 9 | 2 |", md);
            Assert.Contains("| soak-pti-debian-backports | `debian-backports` 10.0.2 | `pti=on` | single | `max,-pcid` | dirty-memory+iperf | **0 / 9** | 0 % | 0–34 % | 9 | 1 |", md);
            Assert.Contains("- soak-pti-distro migration 4 (dirty-memory+iperf): integrity failed", md);
            Assert.Contains("| soak-pti-distro | 4 | completed |", md);
            Assert.Contains("**1 scenario(s) have no results yet**", md);
            // The environment is what all scenarios share: not one scenario's kernel arguments or QEMU version.
            var environment = md[md.IndexOf("## Environment", StringComparison.Ordinal)..];
            Assert.Contains("| accel | tcg |", environment);
            Assert.DoesNotContain("guest_kernel_args", environment);
            Assert.DoesNotContain("qemu_version", environment);
            Assert.Equal(RecordFile.Read(distro).Count + RecordFile.Read(backports).Count, RecordFile.Read(Path.Combine(dir, "records.ndjson")).Count);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static Dictionary<string, string> Build(string build, string version) => new()
    {
        ["experiment"] = "soak", ["accel"] = "tcg", ["qemu_build"] = build, ["qemu_version"] = version,
        ["guest_kernel_args"] = "pti=on", ["tcg_threads"] = "single", ["cpu_model"] = "max,-pcid",
    };

    private static List<MigrationRun> Runs(string scenario, int n, int[] failAt)
    {
        var steps = new FakeSteps(failAt, scenario: scenario);
        return MigrationScenarioRunner.Run(Plan(n, AfterIntegrityFailure.Reboot) with { Scenario = scenario }, Guest(), steps, _ => { }, CancellationToken.None);
    }

    private static List<Record> Records(List<MigrationRun> runs, IReadOnlyDictionary<string, string>? baseLabels = null)
    {
        var labels = baseLabels ?? Build("distro", "7.2.22");
        var records = runs.SelectMany(r => MigrationRecords.From(r, new MigrationSettings(), labels)).ToList();
        records.AddRange(MigrationRecords.IntegrityFailures(runs, labels, runs[0].Scenario));
        return records;
    }

    /// <summary>A completed migration of <paramref name="source"/> to <paramref name="destination"/> whose guest passed or failed its check.</summary>
    internal static MigrationRun Run(string scenario, int index, string workload, string source, string destination, bool passed)
    {
        var result = new MigrationResult(source, destination, MigrationOutcome.Completed, null, new MigrationParameters(300, 1024L << 20, 64L << 20, 2),
            Origin.AddMinutes(index), 1.0, 950, 40, 1, 140L << 20, 3, null, null,
            [MigrationSample.From(JsonDocument.Parse("{\"status\":\"completed\"}").RootElement, 1.0)], []);
        var integrity = passed ? new IntegrityReport(true, [], "") : new IntegrityReport(false, ["kernel log: list_del corruption. prev->next should be ffff…"], "");
        return new MigrationRun(scenario, index, workload, "52:54:00:1a:01:00", "tap-" + source, "tap-" + destination, null,
            new WorkloadRun("idle", "", "", 0, [], null, "", []), result, PingProbe.Analyse([], result.StartedAt, TimeSpan.FromMilliseconds(5)), [],
            "tap-" + source, "tap-" + destination, true, integrity, null);
    }

    /// <summary>Migrations that fail their check at the given indexes; guests that run until stopped, or whose QEMU ended (crashed).</summary>
    private sealed class FakeSteps(int[] failAt, int[]? crashed = null, bool bootSucceeds = true, string scenario = "soak-pti", int[]? cancelled = null)
        : MigrationScenarioRunner.IScenarioSteps
    {
        private readonly HashSet<string> _stopped = [];
        public List<string> Log { get; } = [];
        public List<string> Sources { get; } = [];
        public List<string> Baselines { get; } = [];
        public List<(GuestSpec Corrupted, GuestSpec Fresh)> Reboots { get; } = [];

        public WorkloadRun Baseline(ScenarioPlan plan, string workload, GuestSpec guest, CancellationToken cancel)
        {
            Baselines.Add(workload + "@" + guest.Name);
            return new WorkloadRun(workload, "", "", 0, [], null, "", []);
        }

        public MigrationRun Migrate(ScenarioPlan plan, int index, string workload, GuestSpec source, WorkloadRun? baseline, CancellationToken cancel)
        {
            Assert.True(IsRunning(source.Name), $"migration {index} started from {source.Name}, which is not running");
            Sources.Add(source.Name);
            var destination = GuestIdentity.Next(source.Name);
            var run = Run(scenario, index, workload, source.Name, destination, passed: !failAt.Contains(index)) with { Baseline = baseline };
            if ((cancelled ?? []).Contains(index))
            {
                // Cancelled at the deadline: the destination quits, the source keeps the guest.
                _stopped.Add(destination);
                return run with { Migration = run.Migration with { Outcome = MigrationOutcome.DidNotConverge } };
            }
            _stopped.Add(source.Name); // a completed migration's source quits
            if ((crashed ?? []).Contains(index)) _stopped.Add(destination);
            return run;
        }

        public bool IsRunning(string guest) => !_stopped.Contains(guest);

        public bool Reboot(ScenarioPlan plan, GuestSpec corrupted, GuestSpec fresh, CancellationToken cancel)
        {
            Reboots.Add((corrupted, fresh));
            _stopped.Add(corrupted.Name);
            if (!bootSucceeds) _stopped.Add(fresh.Name);
            return bootSucceeds;
        }
    }
}
