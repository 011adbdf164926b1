using Microsoft.Build.Utilities;
using VirtLab.Records;
using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>The skeleton's measure step: MeasureCells runs the task a VirtLabMeasurement item names, with its metadata as parameters.</summary>
public sealed class MeasureCellsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtlab-measurecells-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TaskItem Cell(string name, string measurement = "sysbench")
    {
        var cell = new TaskItem(Path.Combine(_dir, name + ".stamp"));
        cell.SetMetadata("Measurement", measurement);
        cell.SetMetadata("Accel", "host");
        cell.SetMetadata("Workload", name);
        cell.SetMetadata("ResultFile", Path.Combine(_dir, name + ".ndjson"));
        return cell;
    }

    private static TaskItem Sysbench(string threads = "1")
    {
        var m = new TaskItem("sysbench");
        foreach (var (k, v) in new Dictionary<string, string>
                 {
                     ["Task"] = "RunSysbench", ["Repeats"] = "1", ["Threads"] = threads, ["CpuMaxPrime"] = "200",
                     ["CpuEvents"] = "50", ["MemoryBlockSize"] = "4K", ["MemoryTotalSize"] = "4M",
                 })
            m.SetMetadata(k, v);
        return m;
    }

    private static (MeasureCells, TestBuildEngine) Task(TaskItem[] cells, TaskItem[] measurements)
    {
        var engine = new TestBuildEngine();
        return (new MeasureCells
        {
            BuildEngine = engine, Cells = cells, Measurements = measurements, Experiment = "test", Profile = "quick",
            HostFingerprint = "fp", Accel = "host",
        }, engine);
    }

    [Fact]
    public void Runs_the_named_task_on_its_cells_with_the_item_metadata_as_parameters()
    {
        var (task, engine) = Task([Cell("cpu"), Cell("memory")], [Sysbench()]);
        Assert.True(task.Execute(), engine.ErrorText);
        var cpu = RecordFile.Read(Path.Combine(_dir, "cpu.ndjson"));
        Assert.Contains(cpu, r => r.Metric == "events" && r.Value == 50);
        Assert.All(cpu, r => Assert.Equal("200", r.Label("cpu_max_prime")));
        Assert.All(cpu, r => Assert.Equal("test", r.Label("experiment")));
        Assert.Contains(RecordFile.Read(Path.Combine(_dir, "memory.ndjson")), r => r.Metric == "transfer_rate" && r.Label("memory_total_size") == "4M");
    }

    [Fact]
    public void A_parameter_of_the_wrong_type_is_LAB0002_and_nothing_is_measured()
    {
        var (task, engine) = Task([Cell("cpu")], [Sysbench(threads: "two")]);
        Assert.False(task.Execute());
        Assert.Equal(LabCodes.ConfigBadValue, Assert.Single(engine.Errors).Code);
        Assert.Contains("RunSysbench.Threads = 'two'", engine.ErrorText);
        Assert.False(File.Exists(Path.Combine(_dir, "cpu.ndjson")));
    }

    [Fact]
    public void A_cell_no_measurement_declares_and_a_task_VirtLab_does_not_have_are_LAB0002()
    {
        var (orphan, engine) = Task([Cell("cpu", measurement: "fio")], [Sysbench()]);
        Assert.False(orphan.Execute());
        Assert.Contains("Measurement 'fio'", engine.ErrorText);

        var bogus = Sysbench();
        bogus.SetMetadata("Task", "RunFio");
        var (unknownTask, engine2) = Task([Cell("cpu")], [bogus]);
        Assert.False(unknownTask.Execute());
        Assert.Contains("Task 'RunFio'", engine2.ErrorText);

        var notATask = Sysbench();
        notATask.SetMetadata("Task", "LabGuest"); // a class of VirtLab.Tasks, but no MSBuild task
        var (wrongType, engine3) = Task([Cell("cpu")], [notATask]);
        Assert.False(wrongType.Execute());
        Assert.Equal(LabCodes.ConfigBadValue, Assert.Single(engine3.Errors).Code);
    }

    [Fact]
    public void A_failing_task_fails_MeasureCells_without_an_error_of_its_own()
    {
        var cell = Cell("disk"); // RunSysbench knows cpu and memory only
        var (task, engine) = Task([cell], [Sysbench()]);
        Assert.False(task.Execute());
        Assert.Single(engine.Errors);
        Assert.Contains("'disk' is not a sysbench workload", engine.ErrorText);
    }
}
