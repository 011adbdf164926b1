namespace VirtLab.Report;

public sealed record IperfRow(
    string Nic,
    string Direction,
    string Status,
    string? Reason,
    int Count,
    double? Median,
    double? Min,
    double? Max,
    bool Noisy,
    double? RelativeSpread,
    double? Retransmits,
    double? ToVirtio,
    string? Machine,
    IReadOnlyList<double>? Values = null,
    int NoisyRepeats = 0)
{
    public bool Measured => Status == "measured";
    public bool IsVirtio => Nic.StartsWith("virtio", StringComparison.Ordinal);

    /// <summary>A few retransmissions per run are ordinary TCP behaviour (slow start probing); hundreds mean frames are being dropped.</summary>
    public bool NotableRetransmits => Retransmits >= 100;
}
