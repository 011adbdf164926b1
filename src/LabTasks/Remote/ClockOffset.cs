using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Remote;

/// <summary>
/// How far a host's wall clock is from this machine's, measured over SSH round trips the way NTP
/// does: a sample sends at t0, reads the host's clock, and is back at t1; the host read its clock
/// somewhere in between, so offset = remote − (t0 + t1) / 2 within ± (t1 − t0) / 2. The sample with
/// the shortest round trip bounds it best. Events of both hosts then sit on one time axis
/// (<see cref="ToLocal"/>), and the uncertainty says how finely they can be ordered.
/// </summary>
public sealed record ClockOffset(double OffsetMilliseconds, double UncertaintyMilliseconds, int Samples)
{
    /// <summary>One round trip: when it was sent, the host's clock as read, when the answer was back (all wall clock).</summary>
    public readonly record struct Sample(DateTimeOffset Sent, DateTimeOffset Remote, DateTimeOffset Received);

    public static ClockOffset From(IReadOnlyCollection<Sample> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("at least one sample is needed", nameof(samples));
        var best = samples.MinBy(s => s.Received - s.Sent);
        var half = (best.Received - best.Sent).TotalMilliseconds / 2;
        var middle = best.Sent.AddMilliseconds(half);
        return new ClockOffset((best.Remote - middle).TotalMilliseconds, half, samples.Count);
    }

    /// <summary>Reads the host's clock (GNU date, nanoseconds) <paramref name="samples"/> times over its SSH session.</summary>
    public static ClockOffset Measure(RemoteHost host, int samples = 8)
    {
        var list = new List<Sample>();
        for (var i = 0; i < samples; i++)
        {
            var sent = DateTimeOffset.UtcNow;
            var result = host.Run(["date", "+%s.%N"]);
            var received = DateTimeOffset.UtcNow;
            if (result.ExitCode != 0 || ParseEpoch(result.StandardOutput) is not { } remote)
                throw new LabException(LabCodes.RemoteHost,
                    $"Host '{host.Name}' did not tell its time ('date +%s.%N' exited {result.ExitCode}: '{result.StandardOutput.Trim()}{result.StandardError.Trim()}').",
                    "install GNU coreutils there (Debian's date prints nanoseconds with %N).");
            list.Add(new Sample(sent, remote, received));
        }
        return From(list);
    }

    /// <summary>A time read on the host, on this machine's clock.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset remoteTime) => remoteTime.AddMilliseconds(-OffsetMilliseconds);

    /// <summary>"1712.345678901" (seconds since the epoch) → the instant, to the tick; null when it is not that.</summary>
    public static DateTimeOffset? ParseEpoch(string text)
    {
        var parts = text.Trim().Split('.');
        if (parts.Length != 2 || parts[1].Length != 9
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds))
            return null;
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100);
    }
}
