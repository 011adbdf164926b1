namespace VirtLab.Report;

/// <summary>What a working KVM would give on this host, derived from the host's measured rate.</summary>
public sealed record ExpectedKvm(double FractionLow, double FractionHigh, double? CpuLow, double? CpuHigh, double? OverTcgLow, double? OverTcgHigh);
