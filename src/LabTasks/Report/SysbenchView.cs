namespace VirtLab.Report;

/// <summary>One workload (cpu or memory): the rows per accelerator and the ratios between them.</summary>
public sealed record SysbenchView(
    string Workload,
    string Metric,
    string Unit,
    IReadOnlyList<AccelRow> Rows,
    AccelRow? Host,
    AccelRow? Kvm,
    AccelRow? Tcg,
    double? TcgToHost,
    double? HostOverTcg,
    double? KvmToHost,
    double? KvmOverTcg,
    LatencyFigures? HostLatency,
    LatencyFigures? KvmLatency,
    LatencyFigures? TcgLatency,
    double? TcgLatencyAvgOverHost)
{
    public bool HostMeasured => Host?.Status == "measured";
    public bool TcgMeasured => Tcg?.Status == "measured";
    public bool KvmMeasured => Kvm?.Status == "measured";
}
