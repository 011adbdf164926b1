using System.Diagnostics;
using VirtLab.Qemu;

namespace VirtLab.Migration;

/// <summary>
/// A migration's own clock, started as the migrate command goes out: seconds on the monotonic
/// clock (<see cref="Stopwatch"/>), so a wall-clock step cannot shorten or lengthen a migration.
/// <see cref="StartedAt"/> is the same moment on the host's wall clock, the origin of the timeline
/// of everything stamped by that clock (QEMU's events, ping replies, workload lines).
/// </summary>
public sealed class MigrationClock
{
    private readonly long _start;

    private MigrationClock(long start, DateTimeOffset startedAt)
    {
        _start = start;
        StartedAt = startedAt;
    }

    public DateTimeOffset StartedAt { get; }

    public static MigrationClock Start() => new(Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow);

    /// <summary>Seconds since the migrate command, now.</summary>
    public double Seconds => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    /// <summary>Seconds since the migrate command at a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public double SecondsAt(long timestamp) => Stopwatch.GetElapsedTime(_start, timestamp).TotalSeconds;

    /// <summary>When this client received the first event named <paramref name="name"/> (with status <paramref name="status"/>, if given) after the clock started; null if none did.</summary>
    public double? Received(IEnumerable<QmpEvent> events, string name, string? status = null) =>
        events.Where(e => e.Name == name && e.ReceivedTimestamp != 0 && (status is null || MigrationRunner.Detail(e) == status))
            .Select(e => SecondsAt(e.ReceivedTimestamp)).Where(t => t >= 0).Order().Cast<double?>().FirstOrDefault();

    /// <summary>
    /// When VirtLab saw a migration end in <paramref name="status"/>: the reply of the query-migrate
    /// that reported it arrived at <paramref name="replyAt"/>; the source's MIGRATION event with that
    /// status may have arrived earlier (between two samples). Both are seen after QEMU got there.
    /// </summary>
    public static double EndObserved(double replyAt, double? eventAt) => eventAt is { } e && e < replyAt ? e : replyAt;
}
