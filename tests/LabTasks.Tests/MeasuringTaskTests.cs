using Microsoft.Build.Utilities;
using VirtLab.Records;
using VirtLab.Repeats;
using VirtLab.Tasks;
using Record = VirtLab.Records.Record;

namespace VirtLab.Tests;

public sealed class MeasuringTaskTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtlab-repeats-").FullName;

    [Fact]
    public void The_warm_up_runs_first_and_is_not_recorded_and_every_record_says_how_the_cell_ended()
    {
        var task = new ScriptedMeasurement([10, 11, 12]) { Repeats = 3, Warmup = true, BuildEngine = new TestBuildEngine(), ResultFile = Path.Combine(_dir, "cell.ndjson") };

        Assert.True(task.Execute());

        Assert.Equal(["warmup", "r1", "r2", "r3"], task.Runs.Select(r => r.RawName));
        var records = RecordFile.Read(task.ResultFile);
        Assert.Equal([10.0, 11, 12], records.Select(r => r.Value!.Value));
        Assert.All(records, r => Assert.Equal("3", r.Label("runs")));
        Assert.All(records, r => Assert.Equal(RepeatPolicy.StopFixed, r.Label("stop_reason")));
        Assert.Equal(["false", "true", "false"], records.Select(r => r.Label("noisy")));
    }

    [Fact]
    public void Adaptive_repeats_measure_until_the_spread_is_small_and_say_why_they_stopped()
    {
        // The second run (130) is noisy: it is kept but does not count, so 100, 100, 101 converge at the fourth run.
        var task = new ScriptedMeasurement([100, 130, 100, 101, 99, 100, 100])
        {
            Repeats = 3, MaxRepeats = 10, TargetRsdPercent = 3.5, BuildEngine = new TestBuildEngine(), ResultFile = Path.Combine(_dir, "cell.ndjson"),
        };

        Assert.True(task.Execute());

        var records = RecordFile.Read(task.ResultFile);
        Assert.Equal([100.0, 130, 100, 101], records.Select(r => r.Value!.Value));
        Assert.Equal(RepeatPolicy.StopConverged, records[0].Label("stop_reason"));
        Assert.Equal("4", records[0].Label("runs"));
    }

    [Fact]
    public void Adaptive_repeats_that_never_agree_stop_at_max()
    {
        var task = new ScriptedMeasurement([100, 200, 150, 100, 120, 200])
        {
            Repeats = 2, MaxRepeats = 4, TargetRsdPercent = 1, BuildEngine = new TestBuildEngine(), ResultFile = Path.Combine(_dir, "cell.ndjson"),
        };

        Assert.True(task.Execute());

        var records = RecordFile.Read(task.ResultFile);
        Assert.Equal(4, records.Count);
        Assert.Equal(RepeatPolicy.StopMaxRuns, records[0].Label("stop_reason"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A measurement whose runs return the given values in order (the warm-up returns nothing); the 2nd repeat is noisy.</summary>
    private sealed class ScriptedMeasurement(double[] values) : MeasuringTask
    {
        private int _watched;

        protected override Func<VirtLab.Noise.NoiseReading> WatchNoise()
        {
            var noisy = ++_watched == 2;
            return () => new VirtLab.Noise.NoiseReading(50, 0, noisy ? ["stress-ng (pid 1) used 1 cores"] : []);
        }

        public string ResultFile { get; init; } = "";
        public List<RepeatRun> Runs { get; } = [];
        protected override string LabNamespace => "";

        protected override void Run()
        {
            var cell = new TaskItem("cell.stamp");
            cell.SetMetadata("ResultFile", ResultFile);
            MeasureRepeats(cell, "m", "scripted", (run, _) =>
            {
                Runs.Add(run);
                return run.IsWarmup ? [] : [new Record("m", values[run.Number - 1], "x", new SortedDictionary<string, string> { ["repeat"] = run.Number.ToString() }, DateTimeOffset.UnixEpoch)];
            });
        }
    }
}
