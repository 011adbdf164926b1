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

    /// <summary>
    /// The run was stopped before its end: the terminal echoed Ctrl+C before its total line, or the
    /// captured command line asked for a longer -t than the total covers. The totals cover the part that ran.
    /// </summary>
    public bool Interrupted { get; init; }

    /// <summary>The terminal echoed Ctrl+Z before the total line: the client was stopped for a while and resumed.</summary>
    public bool Suspended { get; init; }

    /// <summary>The -t of the iperf command line when the capture shows it (a shell prompt line), else null.</summary>
    public double? RequestedSeconds { get; init; }

    /// <summary>The run's throughput over time: the "sum" rows when there are any, else the single stream's rows.</summary>
    public IReadOnlyList<IperfInterval> AggregateIntervals =>
        Intervals.Any(i => i.IsSum) ? Intervals.Where(i => i.IsSum).ToList() : Intervals;
}
