namespace VirtLab.Report;

/// <summary>
/// One NIC model and direction of a request/response latency measurement: for each statistic the
/// tool reports per run (p50, p99, p99.9, …), the median of that statistic over the repeats.
/// Ratios are to virtio-net in the same direction.
/// </summary>
public sealed record LatencyCell(
    string Nic,
    string Direction,
    string Status,
    string? Reason,
    int Repeats,
    double? P50,
    double? P99,
    double? P999,
    double? Avg,
    double? Min,
    double? Max,
    double? P50Low,
    double? P50High,
    double? Observations,
    double? P50ToVirtio = null,
    double? P99ToVirtio = null,
    double? P999ToVirtio = null)
{
    public bool Measured => Status == "measured";
    public bool IsVirtio => Nic == IperfSummary.Virtio;
    public bool IsLoopback => Nic == ReportIperf.Loopback;

    /// <summary>How far the tail reaches: p99.9 over p50 of the same cell.</summary>
    public double? TailOverMedian => P999 is { } t && P50 is > 0 ? t / P50 : null;
}
