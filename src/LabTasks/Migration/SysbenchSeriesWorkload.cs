using System.Globalization;
using System.Text.RegularExpressions;

namespace VirtLab.Migration;

/// <summary>
/// sysbench cpu or memory in the guest, running until stopped, printing one line a second
/// (--report-interval=1): events/s for cpu, MiB/s for memory. The interval times are the
/// guest's; they are placed on the host's clock from the moment the job started. For cpu,
/// --percentile=100 makes each line carry the interval's longest request: the migration's pause
/// shows there (the homework compared the maximum per-request latency).
/// </summary>
public sealed partial class SysbenchSeriesWorkload : IMigrationWorkload
{
    private const string RunSeconds = "86400";
    private readonly IReadOnlyList<string> _command;
    private readonly string _metric, _unit;
    private GuestJob? _job;

    private SysbenchSeriesWorkload(string name, IReadOnlyList<string> command, string metric, string unit)
    {
        Name = name;
        _command = command;
        _metric = metric;
        _unit = unit;
    }

    public string Name { get; }

    public static SysbenchSeriesWorkload Cpu(int maxPrime, int threads) => new("sysbench-cpu",
        ["sysbench", "cpu", "--cpu-max-prime=" + WorkloadOptions.Int(maxPrime, 3, 10_000_000, "sysbench cpu-max-prime"),
         "--threads=" + WorkloadOptions.Int(threads, 1, 256, "sysbench threads"), "--time=" + RunSeconds, "--report-interval=1", "--percentile=100", "run"],
        "events_per_second", "events/s");

    /// <summary>The homework's 8K blocks; the total is unbounded here (the run is stopped, not sized).</summary>
    public static SysbenchSeriesWorkload Memory(string blockSize, int threads) => new("sysbench-memory",
        ["sysbench", "memory", "--memory-block-size=" + WorkloadOptions.Size(blockSize, "sysbench memory-block-size"), "--memory-total-size=1000000G",
         "--threads=" + WorkloadOptions.Int(threads, 1, 256, "sysbench threads"), "--time=" + RunSeconds, "--report-interval=1", "run"],
        "transfer_rate", "MiB/s");

    public void Start(WorkloadContext context, CancellationToken cancel) =>
        _job = GuestJob.Start(context.Ssh, _command, $"/tmp/virtlab-{Name}.log", cancel);

    public WorkloadRun Stop(WorkloadContext context, CancellationToken cancel)
    {
        var job = _job ?? throw new InvalidOperationException("not started");
        var output = job.Stop(context.Ssh, "TERM", TimeSpan.FromSeconds(10), cancel);
        var points = Parse(output, job.StartedAt);
        var problems = new List<string>();
        if (points.Count == 0) problems.Add($"sysbench printed no interval report: {Util.ProcessRunner.Tail(output, 300)}");
        if (output.Contains("FATAL", StringComparison.Ordinal)) problems.Add("sysbench: " + output.Split('\n').First(l => l.Contains("FATAL", StringComparison.Ordinal)).Trim());
        return new WorkloadRun(Name, _metric, _unit, 1, points, null, output, problems, LatencyMax: ParseLatencyMax(output, job.StartedAt));
    }

    public WorkloadRun Abandon(string reason) => new(Name, _metric, _unit, 1, [], null, "", [reason]);

    // "[ 3s ] thds: 1 eps: 243.93 lat (ms,95%): 4.10" (cpu) and "[ 3s ] 21831.70 MiB/sec" (memory).
    [GeneratedRegex(@"^\[\s*(?<s>[0-9]+)s\s*\]\s*(?:thds:\s*[0-9]+\s+eps:\s*(?<eps>[0-9.]+)|(?<mib>[0-9.]+)\s+MiB/sec)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Interval();

    [GeneratedRegex(@"^\[\s*(?<s>[0-9]+)s\s*\].*lat \(ms,100%\):\s*(?<lat>[0-9.]+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LatencyMaxLine();

    /// <summary>"lat (ms,100%): 9.34" of each interval line: the longest request in that second.</summary>
    public static List<WorkloadPoint> ParseLatencyMax(string output, DateTimeOffset startedAt) =>
        LatencyMaxLine().Matches(output.Replace("\r", "")).Select(m => new WorkloadPoint(
            startedAt.AddSeconds(int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture)),
            double.Parse(m.Groups["lat"].Value, CultureInfo.InvariantCulture))).ToList();

    public static List<WorkloadPoint> Parse(string output, DateTimeOffset startedAt) =>
        Interval().Matches(output.Replace("\r", "")).Select(m => new WorkloadPoint(
            startedAt.AddSeconds(int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture)),
            double.Parse(m.Groups["eps"].Success ? m.Groups["eps"].Value : m.Groups["mib"].Value, CultureInfo.InvariantCulture))).ToList();
}
