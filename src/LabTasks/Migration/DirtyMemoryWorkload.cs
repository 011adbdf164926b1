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

    public void Start(WorkloadContext context, CancellationToken cancel) =>
        _job = GuestJob.Start(context.Ssh, Command, "/tmp/virtlab-dirty-memory.log", cancel);

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
