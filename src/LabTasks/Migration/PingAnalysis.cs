namespace VirtLab.Migration;

/// <summary>
/// What the ping stream saw: replies (seconds on the migration timeline), losses, the longest
/// silence between two replies anywhere, and the silences longer than <see cref="GapThresholdMs"/>.
/// </summary>
public sealed record PingAnalysis(int Sent, int Received, int Lost, double? MaxGapMs, double? MaxGapAtT, double IntervalMs, IReadOnlyList<PingGap> Gaps, IReadOnlyList<double> ReplyTimes)
{
    public static readonly PingAnalysis Empty = new(0, 0, 0, null, null, 0, [], []);

    /// <summary>
    /// The shortest silence that is a gap (a ping_gap event): three intervals, but never less than
    /// 60 ms. A finer ping measures the silence across the switch-over more exactly; the floor keeps
    /// the scheduling jitter of a busy two-core host (replies 15–50 ms apart at a 5 ms interval)
    /// from becoming hundreds of gap events, so gaps mean what they meant at the former 20 ms.
    /// </summary>
    public const double MinGapMs = 60;

    public static double GapThresholdMs(double intervalMs) => Math.Max(3 * intervalMs, MinGapMs);

    /// <summary>
    /// The silence between the last reply before <paramref name="t"/> and the first one after it,
    /// in ms: at the switch-over (the source's STOP) this is the network-observed downtime.
    /// </summary>
    public double? SilenceAround(double t) => SilenceSpanAround(t)?.Milliseconds;

    /// <summary>The same silence with where it starts and ends (seconds on the migration timeline).</summary>
    public PingSilence? SilenceSpanAround(double t)
    {
        var before = ReplyTimes.Where(r => r <= t).DefaultIfEmpty(double.NaN).Max();
        var after = ReplyTimes.Where(r => r > t).DefaultIfEmpty(double.NaN).Min();
        return double.IsNaN(before) || double.IsNaN(after) ? null : new PingSilence(before, after);
    }

    /// <summary>
    /// The silence that spans a pause from <paramref name="pausedAt"/> to <paramref name="resumedAt"/>,
    /// taken around the pause's middle: a reply stamped a moment after the pause began was already on
    /// its way, and taking the silence around the pause's start would then report the (throttled)
    /// silence before it instead.
    /// </summary>
    public PingSilence? SilenceAcross(double pausedAt, double? resumedAt) =>
        SilenceSpanAround(resumedAt is { } resumed && resumed > pausedAt ? (pausedAt + resumed) / 2 : pausedAt);
}
