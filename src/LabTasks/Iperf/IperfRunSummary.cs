namespace VirtLab.Iperf;

public sealed record IperfRunSummary
{
    /// <summary>
    /// The headline totals. iperf 2: the final total line ([SUM] with -P). iperf3: the receiver side
    /// (end.sum_received), i.e. what actually arrived; the sender side is in <see cref="Sent"/>.
    /// </summary>
    public required long Bytes { get; init; }
    public required double Seconds { get; init; }
    public required double BitsPerSecond { get; init; }

    /// <summary>iperf3 end.sum_sent.retransmits.</summary>
    public int? Retransmits { get; init; }

    /// <summary>iperf3 end.sum_sent; null for iperf 2.</summary>
    public IperfTotals? Sent { get; init; }

    /// <summary>iperf3 end.sum_received; null for iperf 2.</summary>
    public IperfTotals? Received { get; init; }

    /// <summary>
    /// The window asked for with -w: iperf 2's "(WARNING: requested 100 MByte)", iperf3's
    /// start.sock_bufsize. Null when the kernel default was used.
    /// </summary>
    public long? TcpWindowRequestedBytes { get; init; }

    /// <summary>The window the kernel granted: iperf 2's "TCP window size:" value; iperf3's sending-side buffer.</summary>
    public long? TcpWindowActualBytes { get; init; }

    public required int ParallelStreams { get; init; }

    /// <summary>iperf3 end.cpu_utilization_percent.host_total / remote_total.</summary>
    public double? HostCpuTotalPercent { get; init; }
    public double? RemoteCpuTotalPercent { get; init; }

    /// <summary>True when iperf 2 printed no [SUM] total for a multi-stream run and the stream totals were added up.</summary>
    public bool SummedFromStreams { get; init; }
}
