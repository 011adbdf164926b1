namespace VirtLab.Report;

public sealed record QuestionC(
    bool Measured,
    RecordsSource? Source,
    string MeasureCommand,
    IReadOnlyList<IperfRow> Rows,
    IReadOnlyList<IperfRow> Imported,
    IperfRow? Loopback,
    IReadOnlyList<NicComparison> Comparisons,
    string? Tool,
    string? ToolVersion,
    string? DurationSeconds,
    string? Accel,
    LatencySection Latency,
    DeviceCost? DeviceCost = null)
{
    /// <summary>virtio-net had the higher median throughput against every emulated NIC in every direction.</summary>
    public bool VirtioFastestEverywhere => Comparisons.Count > 0 && Comparisons.All(c => c.VirtioOverOther > 1);

    /// <summary>The comparisons virtio-net did not win.</summary>
    public IReadOnlyList<NicComparison> VirtioNotFaster => Comparisons.Where(c => c.VirtioOverOther <= 1).ToList();

    public double? FactorLow => Comparisons.Select(c => (double?)c.VirtioOverOther).Min();
    public double? FactorHigh => Comparisons.Select(c => (double?)c.VirtioOverOther).Max();
}
