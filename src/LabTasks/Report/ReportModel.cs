using VirtLab.Records;

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
    IReadOnlyList<RecordsSource> Sources)
{
    public string GeneratedText => Generated.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One records file the report read, with links relative to the report.</summary>
public sealed record RecordsSource(string Experiment, string Link, string? CsvLink, string? RawLink, int Count, bool Exists);

/// <summary>An experiment's records as read from disk (empty when the experiment has not run).</summary>
public sealed record ExperimentRecords(string Experiment, string Path, IReadOnlyList<Record> Records)
{
    public bool Exists => Records.Count > 0;
}

public sealed record KeyValue(string Key, string Value);

// ---------------------------------------------------------------------------------------------
// A: the lab network
// ---------------------------------------------------------------------------------------------

/// <summary>One artifact of results/host-setup/, shown verbatim in a code block.</summary>
public sealed record HostSetupFile(string Name, string Title, string Language, string Content, string Link, bool Truncated);

public sealed record QuestionA(
    bool Measured,
    string DirectoryLink,
    IReadOnlyList<HostSetupFile> Files,
    string HostAddress,
    string GuestAddress,
    string MeasureCommand,
    IReadOnlyList<string> BridgePorts,
    IReadOnlyList<string> LabRoutes);

// ---------------------------------------------------------------------------------------------
// B: sysbench on the host, under KVM and under TCG
// ---------------------------------------------------------------------------------------------

public sealed record LatencyFigures(double? MinMs, double? AvgMs, double? MaxMs, double? P95Ms);

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

/// <summary>Where KVM stands in this run: measured, unavailable (with the probe's reason) or not run.</summary>
public sealed record KvmStatus(string Status, string? Reason, string? ConsoleLine, string? VerdictFile, DateTimeOffset? ProbedAt)
{
    public bool Measured => Status == "measured";
    public bool Unavailable => Status == "unavailable";
}

public sealed record SysbenchParameters(
    string? CpuMaxPrime,
    double? CpuEvents,
    string? Threads,
    string? MemoryBlockSize,
    string? MemoryTotalSize,
    string? ToolVersion,
    int Repeats);

/// <summary>What a working KVM would give on this host, derived from the host's measured rate.</summary>
public sealed record ExpectedKvm(double FractionLow, double FractionHigh, double? CpuLow, double? CpuHigh, double? OverTcgLow, double? OverTcgHigh);

/// <summary>A row measured by hand on another machine and imported with -p:ImportLogs.</summary>
public sealed record ImportedSysbenchRow(string Machine, string Workload, string Unit, AccelRow Row, string? ToolVersion);

public sealed record QuestionB(
    bool Measured,
    RecordsSource? Source,
    string MeasureCommand,
    SysbenchView? Cpu,
    SysbenchView? Memory,
    KvmStatus Kvm,
    SysbenchParameters Parameters,
    ExpectedKvm Expected,
    bool? MemorySuffersMore,
    IReadOnlyList<ImportedSysbenchRow> Imported);

// ---------------------------------------------------------------------------------------------
// C: iperf with virtio-net, e1000 and rtl8139 (throughput), sockperf ping-pong (latency: LatencySection)
// ---------------------------------------------------------------------------------------------

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
    double? CpuSecondsPerGbit,
    double? Retransmits,
    double? ToVirtio,
    string? Machine)
{
    public bool Measured => Status == "measured";
    public bool IsVirtio => Nic.StartsWith("virtio", StringComparison.Ordinal);

    /// <summary>A few retransmissions per run are ordinary TCP behaviour (slow start probing); hundreds mean frames are being dropped.</summary>
    public bool NotableRetransmits => Retransmits >= 100;
}

/// <summary>virtio-net against one emulated NIC in one direction.</summary>
public sealed record NicComparison(string Direction, string Emulated, double Virtio, double Other, double VirtioOverOther,
    double? VirtioCpuPerGbit, double? OtherCpuPerGbit, double? CpuPerGbitRatio);

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
    LatencySection Latency);

// ---------------------------------------------------------------------------------------------
// D, F: live migration
// ---------------------------------------------------------------------------------------------

/// <summary>One metric under one condition (the labels that vary between its records), over repeats.</summary>
public sealed record MetricRow(string Metric, string Condition, string Unit, int Count, double? Median, double? Min, double? Max);

public sealed record UnavailableRow(string Metric, string Condition, string Reason);

public sealed record MigrationSection(
    bool Measured,
    RecordsSource? Source,
    string MeasureCommand,
    IReadOnlyList<MetricRow> Rows,
    IReadOnlyList<MetricRow> NetworkEvidence,
    IReadOnlyList<UnavailableRow> Unavailable,
    string? SummaryTables = null,
    IReadOnlyList<MigrationTimeline>? Timelines = null)
{
    /// <summary>The interval of the ping probe behind the network downtimes (the same for every migration of a run).</summary>
    public double? PingIntervalMs => Timelines is null ? null : MigrationTimeline.PingInterval(Timelines);
}

