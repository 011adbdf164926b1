using System.Globalization;
using Microsoft.Build.Framework;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Ssh;
using VirtLab.Sysbench;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Runs sysbench cpu and/or memory, N repeats, on the host or in the lab guest over SSH — this
/// machine's, or a lab.yaml host's when the cells carry Host (MeasureCells opens the session). Each
/// raw output is kept beside the records; a cell's records are written (atomically) only when all
/// its repeats succeeded, so an interrupted cell is measured again by the next build.
/// </summary>
public sealed class RunSysbench : MeasuringTask
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromHours(1);
    private const string WarmupMemoryTotalSize = "64M";

    [Required] public ITaskItem[] Cells { get; set; } = [];
    [Required] public string Accel { get; set; } = "";
    [Required] public string Experiment { get; set; } = "";
    [Required] public string HostFingerprint { get; set; } = "";
    public string Profile { get; set; } = "default";
    [Required] public int Threads { get; set; }
    [Required] public int CpuMaxPrime { get; set; }
    [Required] public int CpuEvents { get; set; }
    [Required] public string MemoryBlockSize { get; set; } = "";
    [Required] public string MemoryTotalSize { get; set; } = "";

    // Guest side (ignored for Accel=host): the lab and the VirtLabGuest item.
    public string Namespace { get; set; } = "";
    public ITaskItem? Guest { get; set; }

    protected override string LabNamespace => Accel == "host" ? "" : Namespace;

    internal override bool RunsRemotely => true;

    protected override void Run()
    {
        var guest = Accel == "host" ? null : LabGuest.From(Guest ?? throw new LabException(LabCodes.ConfigBadValue,
            $"RunSysbench with Accel={Accel} needs the guest.", "pass Guest=\"@(VirtLabGuest)\"."));
        // A cell with Host runs on that host: its guest through the host's SSH session, or sysbench on the host itself.
        using var runner = guest is null ? null : Remote is { } remote ? remote.ConnectGuest() : guest.Ssh(new Lab.LabState(Namespace));
        Func<SysbenchCommand, string> run = runner is null ? RunOnHost : command => RunInGuest(runner, command);

        var version = SysbenchVersion.Parse(runner is not null ? runner.Run("sysbench --version", TimeSpan.FromSeconds(20)).StandardOutput
            : Remote is { } onHost ? onHost.Lab.Run("sysbench", ["--version"], TimeSpan.FromSeconds(20)).StandardOutput
            : ProcessRunner.RunChecked(LabCodes.MissingTool, "sysbench", ["--version"], TimeSpan.FromSeconds(20)).StandardOutput);
        var syntax = SysbenchCommand.SyntaxFor(version);

        foreach (var cell in Cells)
        {
            var workload = cell.GetMetadata("Workload");
            if (workload is not ("cpu" or "memory"))
                throw new LabException(LabCodes.ConfigBadValue, $"'{workload}' is not a sysbench workload VirtLab runs.", "use cpu or memory in SysbenchWorkload items.");
            // The warm-up does a tenth of the work: enough to translate the code and fault the pages in.
            SysbenchCommand Command(bool warmup) => workload == "cpu"
                ? SysbenchCommand.Cpu(syntax, CpuMaxPrime, warmup ? Math.Max(1, CpuEvents / 10) : CpuEvents, Threads)
                : SysbenchCommand.Memory(syntax, MemoryBlockSize, warmup ? WarmupMemoryTotalSize : MemoryTotalSize, Threads);
            MeasureRepeats(cell, SysbenchRecords.HeadlineMetric(workload), $"{Experiment} {Accel} {workload}", (repeat, rawDirectory) =>
            {
                var time = DateTimeOffset.UtcNow;
                var output = run(Command(repeat.IsWarmup));
                var rawFile = Path.Combine(rawDirectory, $"{Accel}-{workload}-{repeat.RawName}.txt");
                var result = KeepAndParse(rawFile, output, SysbenchOutputParser.Parse);
                if (repeat.IsWarmup) return [];
                Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture,
                    $"VirtLab: {Experiment} {Accel} {workload} repeat {repeat.Number}/{Policy}: {Headline(result)}"));
                return SysbenchRecords.From(result, Labels(cell, repeat.Number, rawFile, guest), time);
            });
        }
    }

    private SortedDictionary<string, string> Labels(ITaskItem cell, int repeat, string rawFile, LabGuest? guest)
    {
        var labels = CellLabels.For(cell, Experiment, Profile, HostFingerprint);
        labels["repeat"] = repeat.ToString(CultureInfo.InvariantCulture);
        labels["raw"] = Path.GetFileName(rawFile);
        // The QEMU build is a guest's: the host's own runs use none.
        if (guest is not null) QemuBinary.AddLabels(labels);
        guest?.AddLabels(labels);
        Remote?.AddLabels(labels);
        if (cell.GetMetadata("Workload") == "cpu")
        {
            labels["cpu_max_prime"] = CpuMaxPrime.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            labels["memory_block_size"] = MemoryBlockSize;
            labels["memory_total_size"] = MemoryTotalSize;
        }
        return labels;
    }

    private static string Headline(SysbenchResult r) => r.Test == "memory"
        ? $"{r.MiBPerSecond:0.00} MiB/s in {r.TotalTimeSeconds:0.000} s"
        : $"{r.EventsPerSecond:0.00} events/s, {r.TotalTimeSeconds:0.000} s total";

    private string RunOnHost(SysbenchCommand command)
    {
        var result = Remote is { } remote ? remote.Lab.Run(command.Program, command.Arguments, RunTimeout)
            : ProcessRunner.Run(command.Program, command.Arguments, RunTimeout, Cancellation);
        if (!result.Succeeded)
            throw new LabException(LabCodes.Benchmark, $"sysbench on {(Remote is { } r ? $"host '{r.HostName}'" : "the host")} exited with {result.ExitCode}: {ProcessRunner.Tail(result.StandardError + result.StandardOutput)}",
                "check the sysbench parameters in lab.yaml.");
        return result.StandardOutput;
    }

    private string RunInGuest(GuestSsh ssh, SysbenchCommand command)
    {
        var result = ssh.Run(command.ToShellString(), RunTimeout, Cancellation);
        if (result.ExitCode != 0)
            throw new LabException(LabCodes.Benchmark, $"sysbench in the guest exited with {result.ExitCode}: {ProcessRunner.Tail(result.StandardError + result.StandardOutput)}",
                "check the sysbench parameters in lab.yaml and the guest's serial log.");
        return result.StandardOutput;
    }
}
