namespace VirtLab.Config;

public sealed class IperfConfig
{
    public int DurationSeconds { get; set; } = 10;
    public double IntervalSeconds { get; set; } = 1;
    /// <summary>TCP window (-w), e.g. 416K; empty leaves it to the kernel.</summary>
    public string Window { get; set; } = "";
    public int Streams { get; set; } = 1;
}
