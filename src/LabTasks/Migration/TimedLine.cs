namespace VirtLab.Migration;

/// <summary>A line a process printed and when it arrived (host wall clock).</summary>
public sealed record TimedLine(DateTimeOffset Time, string Text, bool IsError);
