namespace VirtLab.Config;

/// <summary>TCP request/response latency: sockperf ping-pong for durationSeconds with messageSize-byte messages.</summary>
public sealed class SockperfConfig
{
    /// <summary>sockperf 3.7 drops about 1.1 s of each run as warm-up and cool-down, so a few seconds is the least that says anything.</summary>
    public int DurationSeconds { get; set; } = 10;
    public int MessageSize { get; set; } = 64;
}
