namespace VirtLab.Report;

/// <summary>One migration: how it ended, QEMU's figures and the network-observed ones (question D's timing, F's downtime).</summary>
public sealed record MigrationRow(
    string Scenario,
    int Index,
    string Workload,
    string Settings,
    string Outcome,
    string? Reason,
    double? ElapsedSeconds,
    double? TotalTimeMs,
    double? DowntimeMs,
    double? SetupTimeMs,
    double? NetworkDowntimeMs,
    double? PingMaxGapMs,
    double? PingLost,
    double? PingSent,
    double? RamSentMib,
    double? DirtySyncCount,
    double? CpuThrottleMax,
    double? PostcopyStartedAt,
    double? FaultInjectedAt,
    string Integrity,
    string RemainingSparkline,
    string ThrottleSparkline,
    string? Fault = null);
