namespace VirtLab.Report;

/// <summary>One NIC model's throughput in one direction over repeats, with its retransmissions.</summary>
public sealed record NicRow(
    string Nic,
    int Count,
    double Median,
    double Min,
    double Max,
    double? CiLow,
    double? CiHigh,
    bool Noisy,
    double RelativeSpread,
    double? ToVirtio,
    double? RetransmitsMedian,
    IReadOnlyList<double>? Values = null,
    int NoisyRepeats = 0);
