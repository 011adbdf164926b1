using System.Globalization;
using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Noise;
using VirtLab.Records;
using VirtLab.Repeats;

namespace VirtLab.Tasks;

/// <summary>
/// A task that measures cells in repeats (RunSysbench, RunIperf, RunSockperf): the repeat policy
/// (a count, or adaptive up to MaxRepeats until the headline's RSD is under TargetRsdPercent), the
/// optional discarded warm-up, and the host's noise around every repeat (<see cref="NoiseProbe"/>).
/// </summary>
public abstract class MeasuringTask : LabTask
{
    [Required] public int Repeats { get; set; }

    /// <summary>Adaptive repeats: at most this many runs (0: as many as Repeats).</summary>
    public int MaxRepeats { get; set; }

    /// <summary>Adaptive repeats: stop once the quiet repeats' relative standard deviation is at most this (0: a fixed count).</summary>
    public double TargetRsdPercent { get; set; }

    /// <summary>One discarded run before the repeats (kept in raw/ as &lt;cell&gt;-warmup.*).</summary>
    public bool Warmup { get; set; }

    protected RepeatPolicy Policy => TargetRsdPercent > 0
        ? new RepeatPolicy(Repeats, Math.Max(Repeats, MaxRepeats), TargetRsdPercent, Warmup)
        : RepeatPolicy.Fixed(Repeats, Warmup);

    /// <summary>The QEMU build the cells' guest runs on (a VirtLabQemu item; none: the system's QEMU).</summary>
    public ITaskItem? Qemu { get; set; }

    protected Qemu.QemuBinary QemuBinary => VirtLab.Qemu.QemuBinary.From(Qemu);

    /// <summary>The lab namespace whose processes are the measurement's (empty on the host).</summary>
    protected abstract string LabNamespace { get; }

    /// <summary>The remote host session the cells run on (set by MeasureCells for cells with Host), or null: this machine.</summary>
    internal Remote.RemoteGuestSession? Remote { get; set; }

    /// <summary>Whether the task can measure on a remote host's session (<see cref="Remote"/>); those that cannot measure this machine's lab only.</summary>
    internal virtual bool RunsRemotely => false;

    /// <summary>
    /// One cell's runs: <paramref name="measure"/>(run, raw folder) measures once and returns its
    /// records. Every repeat's records carry the noise labels; all carry runs and stop_reason. The
    /// cell's result file (metadata ResultFile) is written, atomically, only when every run
    /// succeeded, so a failed or cancelled cell leaves no result and is measured again.
    /// <paramref name="afterRepeats"/>(raw folder), when given, is one extra run after the repeats
    /// (not a repeat: no noise, runs or stop_reason labels); its records join the cell's file.
    /// </summary>
    protected void MeasureRepeats(ITaskItem cell, string headlineMetric, string describe, Func<RepeatRun, string, IEnumerable<Record>> measure,
        Func<string, IEnumerable<Record>>? afterRepeats = null)
    {
        var policy = Policy;
        var resultFile = cell.GetMetadata("ResultFile");
        var rawDirectory = Path.Combine(Path.GetDirectoryName(resultFile)!, "raw");
        if (policy.Warmup)
        {
            Cancellation.ThrowIfCancellationRequested();
            measure(RepeatRun.Warmup, rawDirectory).ToList();
            Log.LogMessage(MessageImportance.High, $"VirtLab: {describe} warm-up run done (discarded, kept in raw/)");
        }

        var records = new List<Record>();
        var quiet = new List<double>();
        var runs = 0;
        var noisy = 0;
        string? stop;
        while ((stop = policy.StopReason(runs, quiet)) is null)
        {
            Cancellation.ThrowIfCancellationRequested();
            runs++;
            var finishWatching = WatchNoise();
            var run = measure(new RepeatRun(runs, false), rawDirectory).ToList();
            var noise = finishWatching();
            foreach (var r in run) noise.AddLabels(r.Labels);
            if (noise.IsNoisy)
            {
                noisy++;
                Log.LogMessage(MessageImportance.High, $"VirtLab: {describe} repeat {runs} was noisy: {noise.Reason}");
            }
            else if (run.FirstOrDefault(r => r.Metric == headlineMetric)?.Value is { } value) quiet.Add(value);
            records.AddRange(run);
        }

        foreach (var r in records)
        {
            r.Labels["runs"] = runs.ToString(CultureInfo.InvariantCulture);
            r.Labels["stop_reason"] = stop;
        }
        if (policy.IsAdaptive || noisy > 0)
            Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture,
                $"VirtLab: {describe}: {runs} run(s), {noisy} noisy, stopped: {stop}"));
        if (afterRepeats is not null)
        {
            Cancellation.ThrowIfCancellationRequested();
            records.AddRange(afterRepeats(rawDirectory));
        }
        RecordFile.Write(resultFile, records);
    }

    /// <summary>Starts watching the host; the function returned ends the watch and says what was seen.</summary>
    protected virtual Func<NoiseReading> WatchNoise()
    {
        if (Remote is { } remote) return WatchRemoteNoise(remote.Lab);
        var lab = LabNamespace.Length == 0 ? null : new LabState(LabNamespace);
        var probe = NoiseProbe.Start(lab?.Directory, lab?.NetworkNamespace);
        return probe.Finish;
    }

    /// <summary>On a remote host only its busy and stolen CPU time is read (/proc/stat over SSH); its processes are not inspected.</summary>
    private static Func<NoiseReading> WatchRemoteNoise(Remote.RemoteLab lab)
    {
        CpuTimes Read() => CpuTimes.Parse(lab.Run("head", ["-n", "1", "/proc/stat"], TimeSpan.FromSeconds(10)).StandardOutput.Trim());
        var before = Read();
        return () =>
        {
            var (busy, steal) = Read().Since(before);
            return new NoiseReading(busy, steal, []);
        };
    }
}
