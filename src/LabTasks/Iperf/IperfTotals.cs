namespace VirtLab.Iperf;

/// <summary>One side's totals: iperf3's end.sum_sent or end.sum_received.</summary>
public sealed record IperfTotals(long Bytes, double Seconds, double BitsPerSecond, int? Retransmits);
