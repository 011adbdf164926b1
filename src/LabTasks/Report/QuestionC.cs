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
    DeviceCost? DeviceCost = null);
