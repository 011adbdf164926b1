namespace VirtLab.Report;

/// <summary>
/// Everything the report's templates may print. Every number in it comes from a record (or, for
/// the reference column, from templates/report/reference.yaml); ratios are computed here, so a
/// template never does arithmetic and never types a figure.
/// </summary>
public sealed record ReportModel(
    string Profile,
    string ProfileArgument,
    DateTimeOffset Generated,
    ReportEnvironment Environment,
    ReportReference Reference,
    QuestionA A,
    QuestionB B,
    QuestionC C,
    MigrationSection Migration,
    IReadOnlyList<RecordsSource> Sources,
    string? Comparison = null,
    QemuBuildsSummary? QemuBuilds = null,
    IReadOnlyList<IntegrityRateRow>? Soak = null,
    IReadOnlyList<SwitchoverRow>? Switchover = null,
    IReadOnlyList<TwoHostsRow>? TwoHosts = null)
{
    public string GeneratedText => Generated.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}

// ---------------------------------------------------------------------------------------------
// A: the lab network
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// B: sysbench on the host, under KVM and under TCG
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// C: iperf with virtio-net, e1000 and rtl8139 (throughput), sockperf ping-pong (latency: LatencySection)
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// D, F: live migration
// ---------------------------------------------------------------------------------------------

