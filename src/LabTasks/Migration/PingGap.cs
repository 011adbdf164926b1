namespace VirtLab.Migration;

/// <summary>A pause between two consecutive replies, longer than a few intervals (seconds on the migration timeline).</summary>
public sealed record PingGap(double StartT, double EndT, double Milliseconds, int MissingReplies);
