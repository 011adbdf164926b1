namespace VirtLab.Iperf;

/// <param name="Retransmits">iperf3 only (null for iperf 2 and for an iperf3 receiver).</param>
/// <param name="StreamId">The stream's id as printed, or <see cref="SumStreamId"/> for an aggregate row.</param>
public sealed record IperfInterval(double StartSeconds, double EndSeconds, long Bytes, double BitsPerSecond, int? Retransmits, string StreamId)
{
    public const string SumStreamId = "sum";

    public bool IsSum => StreamId == SumStreamId;
    public double Seconds => EndSeconds - StartSeconds;
}
