using VirtLab.Compare;
using VirtLab.Records;
using VirtLab.Tasks;
using VirtLab.Util;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

public sealed class CompareResultsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtlab-compare-").FullName;

    private static string Fixture(string experiment) => Path.Combine(ReportWorkspace.FixtureDir, experiment, "records.ndjson");
    private static string Template => Path.Combine(RepoCopy.FindRepoRoot(), "templates", "compare.md.sbn");

    [Fact]
    public void A_run_compared_with_itself_finds_no_difference_anywhere()
    {
        var records = RecordFile.ReadAll([Fixture("kvm-vs-tcg-quick"), Fixture("virtio-vs-e1000-quick"), Fixture("live-migration-quick")]);

        var comparison = ResultsComparison.Of("a", records, "b", records);

        Assert.NotEmpty(comparison.Rows);
        Assert.All(comparison.Rows, r => Assert.Equal("~", r.Verdict));
        Assert.Empty(comparison.OnlyInBaseline);
        // The conditions are the experiments' axes, not the repeat or the machine.
        Assert.Contains(comparison.Rows, r => r.Metric == "events_per_second" && r.Condition.Contains("accel=tcg") && r.Condition.Contains("workload=cpu"));
        Assert.Contains(comparison.Rows, r => r.Metric == "throughput" && r.Condition.Contains("nic=e1000") && r.Comparison.Baseline.Count >= 2);
        Assert.Contains(comparison.Rows, r => r.Metric == "migration_downtime" && r.Condition.Contains("scenario=homework"));
        Assert.DoesNotContain(comparison.Rows, r => r.Condition.Contains("repeat=") || r.Condition.Contains("host_fingerprint="));
        // Time series and events are not figures to compare.
        Assert.DoesNotContain(comparison.Rows, r => r.Metric is "interval_throughput" or "qmp_event" or "ping_gap");
    }

    [Fact]
    public void A_faster_candidate_is_better_on_throughput_and_a_longer_downtime_is_worse()
    {
        var baseline = Repeats("events_per_second", "events/s", 10, 100);
        baseline.AddRange(Repeats("migration_downtime", "ms", 10, 50));
        var candidate = Repeats("events_per_second", "events/s", 10, 130);
        candidate.AddRange(Repeats("migration_downtime", "ms", 10, 80));

        var comparison = ResultsComparison.Of("a", baseline, "b", candidate);

        Assert.Equal("better", comparison.Rows.Single(r => r.Metric == "events_per_second").Verdict);
        Assert.Equal("worse", comparison.Rows.Single(r => r.Metric == "migration_downtime").Verdict);
        Assert.StartsWith("+", comparison.Rows.Single(r => r.Metric == "events_per_second").Change);
    }

    [Fact]
    public void Repeats_the_noise_probe_labelled_noisy_are_left_out_and_counted()
    {
        var baseline = Repeats("events_per_second", "events/s", 10, 100);
        var candidate = Repeats("events_per_second", "events/s", 10, 100);
        // A busy host halved five of the candidate's repeats; the probe saw it.
        var noisy = Repeats("events_per_second", "events/s", 5, 50);
        foreach (var r in noisy) r.Labels["noisy"] = "true";
        candidate.AddRange(noisy);

        var comparison = ResultsComparison.Of("a", baseline, "b", candidate);

        var row = Assert.Single(comparison.Rows);
        Assert.Equal("~", row.Verdict);
        Assert.Equal(10, row.Comparison.Candidate.Count);
        Assert.Equal(5, comparison.NoisyLeftOut);
        // The same values unlabelled would be called worse on their own.
        foreach (var r in noisy) r.Labels["noisy"] = "false";
        Assert.Equal("worse", ResultsComparison.Of("a", baseline, "b", noisy).Rows.Single().Verdict);
    }

    [Fact]
    public void The_task_writes_compare_md_from_a_results_folder_preferring_the_same_profile()
    {
        var baselineDir = Directory.CreateDirectory(Path.Combine(_dir, "old-results", "kvm-vs-tcg-quick")).FullName;
        File.Copy(Fixture("kvm-vs-tcg-quick"), Path.Combine(baselineDir, "records.ndjson"));
        // Another profile's run in the same folder must not be mixed in.
        var other = Directory.CreateDirectory(Path.Combine(_dir, "old-results", "kvm-vs-tcg")).FullName;
        RecordFile.Write(Path.Combine(other, "records.ndjson"), Repeats("events_per_second", "events/s", 5, 1, profile: "default"));
        var output = Path.Combine(_dir, "compare.md");
        var engine = new TestBuildEngine();

        var ok = new CompareResults
        {
            BuildEngine = engine,
            RecordFiles = [new Microsoft.Build.Utilities.TaskItem(Fixture("kvm-vs-tcg-quick"))],
            CompareWith = Path.Combine(_dir, "old-results"),
            Template = Template,
            OutputFile = output,
            Profile = "quick",
        }.Execute();

        Assert.True(ok, string.Join('\n', engine.Errors.Select(e => e.Message)));
        var text = File.ReadAllText(output);
        Assert.Contains("## kvm-vs-tcg", text);
        Assert.Contains("| events_per_second (events/s) | accel=tcg", text);
        Assert.Contains("0 better", text);
        Assert.DoesNotContain("only in the baseline", text.Replace("0 figures only in the baseline", ""));
    }

    [Fact]
    public void A_path_without_records_is_LAB0060_naming_it()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "nothing")).FullName;

        var e = Assert.Throws<LabException>(() => ComparisonSource.Read(empty, "quick"));
        var missing = Assert.Throws<LabException>(() => ComparisonSource.Read(Path.Combine(_dir, "absent"), "quick"));

        Assert.Equal(LabCodes.Results, e.Code);
        Assert.Contains(empty, e.Message);
        Assert.Contains("does not exist", missing.Message);
    }

    private static List<Record> Repeats(string metric, string unit, int n, double scale, string profile = "quick") =>
        StatisticsReferenceTests.Sample(n, seed: (int)scale + metric.Length, scale).Select((v, i) => new Record(metric, v, unit,
            new SortedDictionary<string, string> { ["experiment"] = "x", ["profile"] = profile, ["repeat"] = (i + 1).ToString() }, DateTimeOffset.UnixEpoch)).ToList();

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
