namespace VirtLab.Report;

/// <summary>Where KVM stands in this run: measured, unavailable (with the probe's reason) or not run.</summary>
public sealed record KvmStatus(string Status, string? Reason, string? ConsoleLine, string? VerdictFile, DateTimeOffset? ProbedAt)
{
    public bool Measured => Status == "measured";
    public bool Unavailable => Status == "unavailable";
}
