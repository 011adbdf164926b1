namespace VirtLab.Migration;

/// <summary>One value of a workload's time series, stamped with the host's clock at the end of its interval.</summary>
public sealed record WorkloadPoint(DateTimeOffset Time, double Value);
