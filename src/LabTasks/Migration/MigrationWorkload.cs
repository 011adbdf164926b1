using System.Net;
using VirtLab.Ssh;

namespace VirtLab.Migration;

/// <summary>One value of a workload's time series, stamped with the host's clock at the end of its interval.</summary>
public sealed record WorkloadPoint(DateTimeOffset Time, double Value);

/// <summary>
/// What one run of a workload produced: its series (may be empty), a rate over the whole run,
/// the raw output, and problems it reported (a stress-ng verification failure, an iperf error).
/// </summary>
public sealed record WorkloadRun(
    string Workload,
    string Metric,
    string Unit,
    double IntervalSeconds,
    IReadOnlyList<WorkloadPoint> Points,
    double? OverallRate,
    string RawOutput,
    IReadOnlyList<string> Problems,
    bool? ConnectionKept = null,
    IReadOnlyList<WorkloadPoint>? LatencyMax = null)
{
    /// <summary>The longest single request per interval (sysbench cpu with --percentile=100), in ms; empty when not measured.</summary>
    public IReadOnlyList<WorkloadPoint> LatencyMaxMs => LatencyMax ?? [];

    public double? Median => Points.Count == 0 ? OverallRate : Stats.SampleStatistics.From(Points.Select(p => p.Value)).Median;
}

/// <summary>Where a workload runs: the guest (over SSH) and the lab namespace (for the host side of iperf).</summary>
public sealed record WorkloadContext(string Netns, IPAddress GuestAddress, GuestSsh Ssh);

/// <summary>A load that runs in the guest across a migration: started before it, stopped after.</summary>
public interface IMigrationWorkload
{
    string Name { get; }

    void Start(WorkloadContext context, CancellationToken cancel);

    /// <summary>Stops the load (on whichever QEMU now runs the guest) and returns what it measured.</summary>
    WorkloadRun Stop(WorkloadContext context, CancellationToken cancel);

    /// <summary>The guest is unreachable: stops what runs on the host side and returns what was measured there.</summary>
    WorkloadRun Abandon(string reason);
}
