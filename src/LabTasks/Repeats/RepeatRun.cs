namespace VirtLab.Repeats;

/// <summary>One run of a cell: the discarded warm-up, or repeat 1, 2, … Its raw output is &lt;cell&gt;-&lt;RawName&gt;.*.</summary>
public sealed record RepeatRun(int Number, bool IsWarmup)
{
    public static readonly RepeatRun Warmup = new(0, true);

    public string RawName => IsWarmup ? "warmup" : $"r{Number}";
}
