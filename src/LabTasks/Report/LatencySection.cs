namespace VirtLab.Report;

/// <summary>
/// Question C's round-trip latency (sockperf ping-pong): the per-cell medians, virtio-net against
/// each emulated model, and the few aggregates the explanation quotes, all computed here so the
/// template only prints them.
/// </summary>
public sealed record LatencySection(LatencySummary? Summary, IReadOnlyList<LatencyComparison> Comparisons, string MeasureCommand)
{
    public bool Measured => Summary?.Measured == true;
    public IReadOnlyList<LatencyCell> Rows => Summary?.NicCells ?? [];
    public LatencyCell? Loopback => Summary?.Loopback;
    public string? Accel => Summary?.Accel;
    public string? Tool => Summary?.Tool;
    public string? ToolVersion => Summary?.ToolVersion;
    public string? MessageSize => Summary?.MessageSize;
    public string? DurationSeconds => Summary?.DurationSeconds;
    public int Repeats => Summary?.Repeats ?? 0;

    public bool VirtioLowestEverywhere => Comparisons.Count > 0 && Comparisons.All(c => c.VirtioLower);
    public IReadOnlyList<LatencyComparison> VirtioHigher => Comparisons.Where(c => !c.VirtioLower).ToList();

    /// <summary>The range of "emulated p50 ÷ virtio-net p50" over every direction and emulated model.</summary>
    public double? FactorLow => Comparisons.Select(c => (double?)c.OtherOverVirtioP50).Min();
    public double? FactorHigh => Comparisons.Select(c => (double?)c.OtherOverVirtioP50).Max();

    /// <summary>The range of p99.9 ÷ p50 (how far the tail reaches) for virtio-net's cells and for the emulated ones.</summary>
    public double? VirtioTailLow => Tails(virtio: true).Min();
    public double? VirtioTailHigh => Tails(virtio: true).Max();
    public double? EmulatedTailLow => Tails(virtio: false).Min();
    public double? EmulatedTailHigh => Tails(virtio: false).Max();

    /// <summary>virtio-net's lowest p50 over the host's loopback p50: what a guest and its NIC add to a round trip at best.</summary>
    public double? VirtioOverLoopback =>
        Loopback?.P50 is > 0 && Rows.Where(r => r.IsVirtio && r.Measured).Select(r => r.P50).Min() is { } v ? v / Loopback.P50 : null;

    private IEnumerable<double?> Tails(bool virtio) => Rows.Where(r => r.Measured && r.IsVirtio == virtio).Select(r => r.TailOverMedian);
}
