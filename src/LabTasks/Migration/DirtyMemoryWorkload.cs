using System.Globalization;
using System.Text.RegularExpressions;

namespace VirtLab.Migration;

/// <summary>
/// The dirty-memory load: stress-ng's vm stressor rewriting the same working set (--vm-keep)
/// as fast as the guest can, with --verify, so a page that arrived wrong on the destination is
/// reported by stress-ng itself ("fail: … detected N bit errors"). It has no time series; its
/// rate is stress-ng's bogo ops/s over the run.
/// </summary>
public sealed partial class DirtyMemoryWorkload(int workers, int sizeMiB, string method) : IMigrationWorkload
{
    private GuestJob? _job;

    public string Name => "dirty-memory";

    public IReadOnlyList<string> Command =>
    [
        "stress-ng", "--vm", WorkloadOptions.Int(workers, 1, 64, "dirtyMemory.workers"),
        "--vm-bytes", WorkloadOptions.Int(sizeMiB, 1, 65536, "dirtyMemory.sizeMiB") + "M",
        "--vm-method", WorkloadOptions.Word(method, "dirtyMemory.method"),
        "--vm-keep", "--verify", "--timeout", "86400s", "--metrics-brief",
    ];

    /// <summary>How long stress-ng may take to fault its working set in before it counts as not running (TCG, a busy host).</summary>
    private static readonly TimeSpan DirtyingBound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Starts stress-ng and returns once its workers have faulted in most of their working set: under
    /// TCG the first pass takes a while, and a migration started before it would find a quiet guest
    /// (seen: dirty-default, there to show a migration that cannot converge, completing in 1.1 s).
    /// </summary>
    public void Start(WorkloadContext context, CancellationToken cancel)
    {
        var available = MemAvailableKiB(context);
        _job = GuestJob.Start(context.Ssh, Command, "/tmp/virtlab-dirty-memory.log", cancel);
        var needKiB = (long)workers * sizeMiB * 1024 * 8 / 10;
        // The numbers are VirtLab's own (validated by Command); busybox awk reads the guest's meminfo.
        var script = string.Create(CultureInfo.InvariantCulture,
            $"i=0; while [ $(({available} - $(awk '/^MemAvailable:/ {{print $2}}' /proc/meminfo))) -lt {needKiB} ]; do i=$((i+1)); [ $i -gt {DirtyingBound.TotalSeconds * 10:0} ] && exit 1; sleep 0.1; done");
        if (context.Ssh.Run(script, DirtyingBound + TimeSpan.FromSeconds(10), cancel).ExitCode != 0)
            throw new Util.LabException(Util.LabCodes.Benchmark,
                $"stress-ng in the guest did not take its {workers} × {sizeMiB} MiB within {DirtyingBound.TotalSeconds:0} s: {Util.ProcessRunner.Tail(_job.Stop(context.Ssh, "INT", TimeSpan.FromSeconds(10), cancel))}",
                "lower lab.yaml's migration.dirtyMemory.sizeMiB below the guest's free memory (guest.memoryMiB), and read the guest's serial log.");
    }

    private static long MemAvailableKiB(WorkloadContext context)
    {
        var text = context.Ssh.Run("awk '/^MemAvailable:/ {print $2}' /proc/meminfo", TimeSpan.FromSeconds(30)).StandardOutput.Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib
            : throw new Util.LabException(Util.LabCodes.Benchmark, $"The guest's /proc/meminfo has no MemAvailable ('{text}').", "check the guest image's kernel.");
    }

    public WorkloadRun Stop(WorkloadContext context, CancellationToken cancel)
    {
        var job = _job ?? throw new InvalidOperationException("not started");
        var output = job.Stop(context.Ssh, "INT", TimeSpan.FromSeconds(20), cancel);
        return new WorkloadRun(Name, "bogo_ops_per_second", "bogo ops/s", 0, [], BogoOpsPerSecond(output), output, Problems(output));
    }

    public WorkloadRun Abandon(string reason) => new(Name, "bogo_ops_per_second", "bogo ops/s", 0, [], null, "", [reason]);

    // "stress-ng: metrc: [236] vm  136932  2.00  1.45  0.54  68528.76  68541.74": ops, real, usr, sys, ops/s real, ops/s cpu.
    [GeneratedRegex(@"metrc:\s*\[[0-9]+\]\s+vm\s+[0-9]+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\s+(?<rate>[0-9.]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Metrics();

    public static double? BogoOpsPerSecond(string output) =>
        Metrics().Match(output) is { Success: true } m ? double.Parse(m.Groups["rate"].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>stress-ng's own failure lines: verification errors, an unsuccessful run, no metrics at all.</summary>
    public static List<string> Problems(string output)
    {
        var lines = output.Replace("\r", "").Split('\n');
        var problems = lines.Where(l => l.Contains(" fail:", StringComparison.Ordinal) || l.Contains("unsuccessful run", StringComparison.Ordinal)
                                        || l.Contains("bit errors", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        if (BogoOpsPerSecond(output) is null) problems.Add("stress-ng printed no metrics (it did not run to the end)");
        return problems;
    }
}
