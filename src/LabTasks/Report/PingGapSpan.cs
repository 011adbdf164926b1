namespace VirtLab.Report;

/// <summary>A stretch with no ping reply: from the last reply before it, <see cref="Milliseconds"/> long (missing replies: null where not recorded).</summary>
public sealed record PingGapSpan(double StartT, double Milliseconds, int? MissingReplies)
{
    public double EndT => StartT + Milliseconds / 1000;
}
