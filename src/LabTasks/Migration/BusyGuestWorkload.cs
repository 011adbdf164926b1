namespace VirtLab.Migration;

/// <summary>
/// "dirty-memory+iperf": a busy guest — stress-ng's dirty-memory load (with --verify) and an
/// iperf3 stream from the guest at the same time, each started, stopped and verified as it is
/// alone. The run's series and rate are the stream's (throughput, Gbit/s; its connection kept or
/// not); stress-ng's rate is kept as a part (<see cref="WorkloadRun.Parts"/>) and its verification
/// failures count against the guest's integrity as they do for dirty-memory alone.
/// </summary>
public sealed class BusyGuestWorkload(IMigrationWorkload memory, IMigrationWorkload stream) : IMigrationWorkload
{
    public const string WorkloadName = "dirty-memory+iperf";

    public string Name => WorkloadName;

    /// <summary>The loads it combines, in the order they start (the memory load first, so the stream runs in a guest that is already busy).</summary>
    public IReadOnlyList<IMigrationWorkload> Loads => [memory, stream];

    public void Start(WorkloadContext context, CancellationToken cancel)
    {
        memory.Start(context, cancel);
        try { stream.Start(context, cancel); }
        catch
        {
            // The stream did not start: the memory load must not keep running in the guest.
            try { memory.Stop(context, cancel); } catch (Exception) { /* the stream's error is the one to report */ }
            throw;
        }
    }

    public WorkloadRun Stop(WorkloadContext context, CancellationToken cancel)
    {
        // The stream first: whether its connection is still established is read before stress-ng's summary is waited for.
        WorkloadRun net;
        try { net = stream.Stop(context, cancel); }
        catch
        {
            try { memory.Stop(context, cancel); } catch (Exception) { /* the stream's error is the one to report */ }
            throw;
        }
        return Combine(memory.Stop(context, cancel), net);
    }

    public WorkloadRun Abandon(string reason) => Combine(memory.Abandon(reason), stream.Abandon(reason), reason);

    /// <summary>One run of the busy guest: the stream's series, both outputs, both loads' problems (each named).</summary>
    public static WorkloadRun Combine(WorkloadRun memory, WorkloadRun net, string? abandoned = null)
    {
        IReadOnlyList<string> problems = abandoned is not null ? [abandoned]
            : [.. memory.Problems.Select(p => $"{memory.Workload}: {p}"), .. net.Problems.Select(p => $"{net.Workload}: {p}")];
        var raw = $"== {memory.Workload} ==\n{memory.RawOutput.TrimEnd()}\n== {net.Workload} ==\n{net.RawOutput.TrimEnd()}\n";
        return new WorkloadRun(WorkloadName, net.Metric, net.Unit, net.IntervalSeconds, net.Points, net.OverallRate, raw, problems,
            net.ConnectionKept, net.LatencyMax, [memory, net]);
    }
}
