namespace VirtLab.Iperf;

/// <summary>
/// One TCP throughput run as reported by iperf 2 (text) or iperf3 (JSON). The record does not say
/// which way the data flowed; iperf3's -R is kept only as <see cref="Reverse"/>. Bytes are bytes,
/// rates are bits per second (iperf prints 1024-based Bytes but 1000-based bits).
/// </summary>
public sealed record IperfResult
{
    public const string Iperf2 = "iperf2";
    public const string Iperf3 = "iperf3";

    /// <summary>"iperf2" or "iperf3".</summary>
    public required string Tool { get; init; }

    /// <summary>"2.1.8", "3.12"; null when the output does not say (iperf 2 text never does).</summary>
    public string? ToolVersion { get; init; }

    public string Protocol { get; init; } = "tcp";

    /// <summary>"client" or "server": which end printed the report.</summary>
    public required string Role { get; init; }

    /// <summary>iperf3 -R (the server sent); null for iperf 2.</summary>
    public bool? Reverse { get; init; }

    /// <summary>iperf3 start.tcp_mss_default.</summary>
    public int? TcpMssDefaultBytes { get; init; }

    /// <summary>iperf3 start.sndbuf_actual / rcvbuf_actual.</summary>
    public long? SendBufferActualBytes { get; init; }
    public long? ReceiveBufferActualBytes { get; init; }

    /// <summary>
    /// Per-interval reports in output order: per stream (StreamId "1", "3", or an iperf3 socket
    /// number) and, when iperf printed them, the "sum" rows.
    /// </summary>
    public required IReadOnlyList<IperfInterval> Intervals { get; init; }

    public required IperfRunSummary Summary { get; init; }

    /// <summary>The run's throughput over time: the "sum" rows when there are any, else the single stream's rows.</summary>
    public IReadOnlyList<IperfInterval> AggregateIntervals =>
        Intervals.Any(i => i.IsSum) ? Intervals.Where(i => i.IsSum).ToList() : Intervals;
}

/// <param name="Retransmits">iperf3 only (null for iperf 2 and for an iperf3 receiver).</param>
/// <param name="StreamId">The stream's id as printed, or <see cref="SumStreamId"/> for an aggregate row.</param>
public sealed record IperfInterval(double StartSeconds, double EndSeconds, long Bytes, double BitsPerSecond, int? Retransmits, string StreamId)
{
    public const string SumStreamId = "sum";

    public bool IsSum => StreamId == SumStreamId;
    public double Seconds => EndSeconds - StartSeconds;
}

/// <summary>One side's totals: iperf3's end.sum_sent or end.sum_received.</summary>
public sealed record IperfTotals(long Bytes, double Seconds, double BitsPerSecond, int? Retransmits);

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
