using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>Builds <see cref="LatencySection"/> from the virtio-vs-e1000 records (sockperf's share of them).</summary>
public static class ReportLatency
{
    public static LatencySection Build(IReadOnlyList<Record> records, string profileArgument, string family = LatencySummary.TcpRequestResponse)
    {
        var summary = LatencySummary.From(records, family);
        return new LatencySection(summary, summary is null ? [] : Compare(summary.NicCells),
            $"dotnet build experiments/{ReportIperf.Experiment}.proj{profileArgument}");
    }

    public static List<LatencyComparison> Compare(IReadOnlyList<LatencyCell> cells)
    {
        var comparisons = new List<LatencyComparison>();
        foreach (var virtio in cells.Where(c => c.IsVirtio && c.P50 is > 0))
        foreach (var other in cells.Where(c => !c.IsVirtio && !c.IsLoopback && c.Direction == virtio.Direction && c.P50 is > 0))
            comparisons.Add(new LatencyComparison(virtio.Direction, other.Nic, virtio.P50!.Value, other.P50!.Value, other.P50.Value / virtio.P50.Value,
                virtio.P99, other.P99, other.P99ToVirtio, virtio.P999, other.P999, other.P999ToVirtio));
        return comparisons;
    }
}
