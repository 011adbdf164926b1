namespace VirtLab.Migration;

public sealed record PingReply(int Seq, DateTimeOffset Time, double RttMs);
