using System.Text.Json;
using VirtLab.Migration;
using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// The soak's busy guest, "dirty-memory+iperf": stress-ng's dirty-memory load and an iperf3 stream
/// at once, each started, stopped and verified as it is alone, recorded as one workload whose
/// series is the stream's, with stress-ng's rate beside it and its verification failures counted
/// against the guest's integrity.
/// </summary>
public sealed class SoakWorkloadTests
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 29, 18, 0, 0, TimeSpan.Zero);

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "migration", name));

    [Fact]
    public void It_is_a_workload_of_its_own_made_of_the_two_loads_as_they_run_alone()
    {
        Assert.Contains(BusyGuestWorkload.WorkloadName, WorkloadOptions.Names);
        var options = new WorkloadOptions() with { DirtySizeMiB = 96 };
        var busy = Assert.IsType<BusyGuestWorkload>(options.Create("dirty-memory+iperf"));
        Assert.Equal("dirty-memory+iperf", busy.Name);
        var memory = Assert.IsType<DirtyMemoryWorkload>(busy.Loads[0]);
        Assert.IsType<IperfStreamWorkload>(busy.Loads[1]);
        // The same stress-ng as dirty-memory alone: the lab's size, --verify.
        Assert.Equal(((DirtyMemoryWorkload)options.Create("dirty-memory")).Command, memory.Command);
        Assert.Contains("--verify", memory.Command);
        Assert.Contains("96M", memory.Command);
        // A fresh pair each time: two scenarios never share a running load.
        Assert.NotSame(busy.Loads[0], ((BusyGuestWorkload)options.Create("dirty-memory+iperf")).Loads[0]);
    }

    [Fact]
    public void The_memory_load_starts_first_and_stops_last_and_never_outlives_a_stream_that_did_not_start()
    {
        var log = new List<string>();
        var busy = new BusyGuestWorkload(new FakeLoad("dirty-memory", log), new FakeLoad("iperf", log));
        busy.Start(null!, CancellationToken.None);
        busy.Stop(null!, CancellationToken.None);
        Assert.Equal(["start dirty-memory", "start iperf", "stop iperf", "stop dirty-memory"], log);

        log.Clear();
        var broken = new BusyGuestWorkload(new FakeLoad("dirty-memory", log), new FakeLoad("iperf", log, failStart: true));
        var e = Assert.Throws<LabException>(() => broken.Start(null!, CancellationToken.None));
        Assert.Contains("iperf did not start", e.Message);
        Assert.Equal(["start dirty-memory", "start iperf", "stop dirty-memory"], log);

        log.Clear();
        var unreachable = new BusyGuestWorkload(new FakeLoad("dirty-memory", log), new FakeLoad("iperf", log));
        unreachable.Start(null!, CancellationToken.None);
        var abandoned = unreachable.Abandon("the guest did not answer SSH after the migration");
        Assert.Equal(["start dirty-memory", "start iperf", "abandon dirty-memory", "abandon iperf"], log);
        Assert.Equal(["the guest did not answer SSH after the migration"], abandoned.Problems);
    }

    [Fact]
    public void One_run_the_streams_series_both_outputs_and_each_loads_problems_by_name()
    {
        var stress = Fixture("stress-ng-vm-write64.txt").Replace("stress-ng: info:  [125] successful run completed in 15.38s",
            "stress-ng: fail:  [126] vm: detected 3 bit errors while stressing memory\nstress-ng: info:  [125] unsuccessful run completed in 15.38s");
        var memory = new WorkloadRun("dirty-memory", "bogo_ops_per_second", "bogo ops/s", 0, [], DirtyMemoryWorkload.BogoOpsPerSecond(stress), stress,
            DirtyMemoryWorkload.Problems(stress));
        var lines = Fixture("iperf3-reverse-forceflush.txt").Split('\n')
            .Select(l => (l, m: System.Text.RegularExpressions.Regex.Match(l, @"-([0-9.]+)\s+sec")))
            .Select(x => new TimedLine(x.m.Success ? Origin.AddSeconds(double.Parse(x.m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) : Origin, x.l, false))
            .ToList();
        var stream = new WorkloadRun("iperf", "throughput", "Gbit/s", 0.5, IperfStreamWorkload.Parse(lines), null, string.Join('\n', lines.Select(l => l.Text)),
            ["the iperf3 client ended on its own (exit 1) before it was stopped"], ConnectionKept: false);

        var run = BusyGuestWorkload.Combine(memory, stream);
        Assert.Equal("dirty-memory+iperf", run.Workload);
        Assert.Equal("throughput", run.Metric);
        Assert.Equal(stream.Points, run.Points);
        Assert.False(run.ConnectionKept);
        Assert.Equal([memory, stream], run.PartRuns);
        Assert.Contains("== dirty-memory ==\nstress-ng: info:", run.RawOutput);
        Assert.Contains("== iperf ==\nConnecting to host", run.RawOutput);
        Assert.Equal(3, run.Problems.Count);
        Assert.All(run.Problems.Take(2), p => Assert.StartsWith("dirty-memory: ", p));
        Assert.StartsWith("iperf: ", run.Problems[2]);

        // stress-ng's verification failure still makes the guest fail its check; the stream's end does not.
        var integrity = MigrationScenarioRunner.IntegrityProblems(run).ToList();
        Assert.Contains(integrity, p => p.Contains("detected 3 bit errors", StringComparison.Ordinal));
        Assert.DoesNotContain(integrity, p => p.StartsWith("iperf: ", StringComparison.Ordinal));
        Assert.Empty(MigrationScenarioRunner.IntegrityProblems(BusyGuestWorkload.Combine(memory with { Problems = [] }, stream)));
    }

    [Fact]
    public void Its_records_are_the_streams_figures_with_stress_ngs_rate_beside_them()
    {
        var run = SoakIntegrityAccountingTests.Run("soak-pti", 1, "dirty-memory+iperf", "mig-0", "mig-1", passed: true);
        var memory = new WorkloadRun("dirty-memory", "bogo_ops_per_second", "bogo ops/s", 0, [], 3485.63, "", []);
        var baselineMemory = memory with { OverallRate = 4100.5 };
        // 3 s of stream around a 1 s migration, silent for 0.3 s at the switch-over.
        var points = Enumerable.Range(1, 30).Select(i => new WorkloadPoint(run.Migration.StartedAt.AddSeconds(i * 0.1 - 1), i is > 18 and < 22 ? 0.0 : 1.0)).ToList();
        var stream = new WorkloadRun("iperf", "throughput", "Gbit/s", 0.1, points, null, "", [], ConnectionKept: true);
        var during = BusyGuestWorkload.Combine(memory, stream);
        var baseline = BusyGuestWorkload.Combine(baselineMemory, stream with { Points = points.Select(p => p with { Value = 1.2 }).ToList() });
        run = run with { Baseline = baseline, During = during };

        var records = MigrationRecords.From(run, new MigrationSettings(), new Dictionary<string, string> { ["experiment"] = "soak" });
        Assert.All(records, r => Assert.Equal("dirty-memory+iperf", r.Label("workload")));
        var rate = Assert.Single(records, r => r.Metric == "workload_rate" && r.Label("phase") == "migration");
        Assert.Equal("throughput", rate.Label("workload_metric"));
        Assert.Equal(1.0, rate.Value);
        Assert.Equal(1.2, records.Single(r => r.Metric == "workload_rate" && r.Label("phase") == "baseline").Value);
        var part = Assert.Single(records, r => r.Metric == "workload_part_rate" && r.Label("phase") == "migration");
        Assert.Equal(("dirty-memory", "bogo ops/s", 3485.63), (part.Label("part"), part.Unit, part.Value!.Value));
        Assert.Equal(4100.5, records.Single(r => r.Metric == "workload_part_rate" && r.Label("phase") == "baseline").Value);
        // The stream's own part is the run's rate already: no second record of it.
        Assert.DoesNotContain(records, r => r.Metric == "workload_part_rate" && r.Label("part") == "iperf");
        Assert.Equal(30, records.Count(r => r.Label("kind") == MigrationRecords.KindSeries && r.Label("phase") == "migration"));
        Assert.Equal(1.0, records.Single(r => r.Metric == "stream_kept").Value);
        // A dirty-memory run alone has no parts.
        Assert.DoesNotContain(MigrationRecords.From(run with { During = memory, Baseline = null }, new MigrationSettings(), new Dictionary<string, string>()),
            r => r.Metric == "workload_part_rate");
        Assert.NotNull(JsonSerializer.Serialize(records));
    }

    private sealed class FakeLoad(string name, List<string> log, bool failStart = false) : IMigrationWorkload
    {
        public string Name => name;

        public void Start(WorkloadContext context, CancellationToken cancel)
        {
            log.Add("start " + name);
            if (failStart) throw new LabException(LabCodes.Benchmark, name + " did not start", "fix it");
        }

        public WorkloadRun Stop(WorkloadContext context, CancellationToken cancel)
        {
            log.Add("stop " + name);
            return new WorkloadRun(name, name == "iperf" ? "throughput" : "bogo_ops_per_second", "", 0.1, [], 1, name, []);
        }

        public WorkloadRun Abandon(string reason)
        {
            log.Add("abandon " + name);
            return new WorkloadRun(name, "", "", 0, [], null, "", [reason]);
        }
    }
}
