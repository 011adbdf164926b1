namespace VirtLab.Sockperf;

/// <summary>
/// One sockperf ping-pong run as printed by the client (3.7 and later layouts). All times are in
/// microseconds, as printed: round trips when <see cref="RoundTrip"/> (--full-rtt), otherwise
/// sockperf's one-way latency, which is every round trip halved. Only the valid window after
/// sockperf's warm-up and cool-down cuts is counted.
/// </summary>
public sealed record SockperfResult
{
    /// <summary>"3.7" from the banner "== version #3.7-no.git ==".</summary>
    public required string ToolVersion { get; init; }

    /// <summary>True for "Summary: Round trip is …" (--full-rtt), false for "Summary: Latency is …".</summary>
    public required bool RoundTrip { get; init; }

    /// <summary>The "Summary:" average (avg-rtt or avg-latency).</summary>
    public required double AverageUs { get; init; }

    /// <summary>The std-dev on the "====> avg-…" line; null when that line is missing.</summary>
    public double? StdDevUs { get; init; }

    /// <summary>"Total N observations": the round trips behind the percentiles.</summary>
    public required long Observations { get; init; }

    public required double MinUs { get; init; }
    public required double MaxUs { get; init; }

    // sockperf prints a percentile only when its index is at least 0, which every rank from
    // 75 up always is; 25 needs two observations.
    public required double P99999Us { get; init; }
    public required double P9999Us { get; init; }
    public required double P999Us { get; init; }
    public required double P99Us { get; init; }
    public required double P90Us { get; init; }
    public required double P75Us { get; init; }
    public required double P50Us { get; init; }
    public double? P25Us { get; init; }

    /// <summary>"[Valid Duration] RunTime=… sec": the span the observations come from.</summary>
    public double? ValidRunTimeSeconds { get; init; }

    /// <summary>The "[Valid Duration]" ReceivedMessages, i.e. the completed round trips in that span.</summary>
    public long? ValidReceivedMessages { get; init; }

    /// <summary>
    /// Round trips per second over the valid span. ping-pong prints no message rate, so this is
    /// derived; with one message in flight it is about 1 / average round trip.
    /// </summary>
    public double? RoundTripsPerSecond =>
        ValidRunTimeSeconds is > 0 && ValidReceivedMessages is { } n ? n / ValidRunTimeSeconds.Value : null;

    public long? DroppedMessages { get; init; }
    public long? DuplicatedMessages { get; init; }
    public long? OutOfOrderMessages { get; init; }
}
