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

    /// <summary>
    /// Reads the host's clock (GNU date, nanoseconds) <paramref name="samples"/> times through one
    /// command that answers each line it reads with the time: a round trip is then the SSH channel's
    /// data path alone (a millisecond or two on a LAN), not a new channel and process per sample
    /// (over a hundred milliseconds on a busy host).
    /// </summary>
    public static ClockOffset Measure(RemoteHost host, int samples = 16)
    {
        var bound = TimeSpan.FromSeconds(10);
        var (command, running) = host.Start(["sh", "-c", "while read -r _; do date +%s.%N; done"]);
        using (command)
        {
            var list = new List<Sample>();
            using (var input = command.CreateInputStream())
            {
                var reader = new StreamReader(command.OutputStream);
                for (var i = 0; i < samples; i++)
                {
                    var sent = DateTimeOffset.UtcNow;
                    input.Write("\n"u8);
                    input.Flush();
                    var line = reader.ReadLineAsync();
                    var remote = line.Wait(bound) && line.Result is { } text ? ParseEpoch(text) : null;
                    if (remote is null)
                        throw new LabException(LabCodes.RemoteHost,
                            $"Host '{host.Name}' did not tell its time within {bound.TotalSeconds:0} s (date +%s.%N: '{(line.IsCompletedSuccessfully ? line.Result : "")}{LabException.OneLine(command.Error)}').",
                            "install GNU coreutils there (Debian's date prints nanoseconds with %N) and check the connection.");
                    list.Add(new Sample(sent, remote.Value, DateTimeOffset.UtcNow));
                }
            }
            running.AsyncWaitHandle.WaitOne(bound);
            return From(list);
        }
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
