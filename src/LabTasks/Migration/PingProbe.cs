using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace VirtLab.Migration;

/// <summary>
/// busybox ping from the lab namespace (or iputils ping -D from a remote observer host) to the guest at a fixed interval (5 ms by default; busybox
/// 1.35 accepts fractional -i and, run as root as the lab is, no floor on it). Replies are stamped
/// as their lines arrive (busybox flushes each line). Only counts and silences become records; the
/// replies themselves stay in the raw ping output.
/// </summary>
public sealed partial class PingProbe : IDisposable
{
    private readonly IHostProcess _process;
    private readonly TimeSpan _interval;
    private readonly TimeSpan? _stampedAtSource;

    private PingProbe(IHostProcess process, TimeSpan interval, TimeSpan? stampedAtSource = null)
    {
        _process = process;
        _interval = interval;
        _stampedAtSource = stampedAtSource;
    }

    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(10);

    public static PingProbe Start(string netns, IPAddress guest, TimeSpan interval) => Start(new NamespaceSide(netns), guest, interval);

    /// <summary>
    /// Pings from <paramref name="side"/>. A side whose output reaches this machine over SSH stamps
    /// each reply itself (iputils ping -D: its clock, moved onto this machine's by its offset); the
    /// arrival here would be late and bunched.
    /// </summary>
    public static PingProbe Start(IHostSide side, IPAddress guest, TimeSpan interval)
    {
        if (interval < MinInterval || interval > MaxInterval)
            throw new ArgumentOutOfRangeException(nameof(interval), "ping interval must be 1 ms – 10 s");
        var seconds = interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return side.RelaysOutput
            ? new PingProbe(side.Start("ping", ["-D", "-n", "-i", seconds, guest.ToString()]), interval, side.ClockOffset)
            : new PingProbe(side.Start("busybox", ["ping", "-i", seconds, guest.ToString()]), interval);
    }

    /// <summary>Stops the pings and analyses them on the timeline that starts at <paramref name="origin"/>.</summary>
    public PingAnalysis Stop(DateTimeOffset origin)
    {
        _process.Stop();
        return Analyse(_stampedAtSource is { } offset ? ParseStamped(_process.Lines, offset) : Parse(_process.Lines), origin, _interval);
    }

    public string RawOutput => _process.Output;

    public void Dispose() => _process.Dispose();

    [GeneratedRegex(@"bytes from [0-9.]+: seq=(?<seq>[0-9]+) ttl=[0-9]+ time=(?<rtt>[0-9.]+) ms", RegexOptions.CultureInvariant)]
    private static partial Regex ReplyLine();

    public static List<PingReply> Parse(IEnumerable<TimedLine> lines) =>
        lines.Select(l => (l, m: ReplyLine().Match(l.Text))).Where(x => x.m.Success)
            .Select(x => new PingReply(int.Parse(x.m.Groups["seq"].Value, CultureInfo.InvariantCulture), x.l.Time,
                double.Parse(x.m.Groups["rtt"].Value, CultureInfo.InvariantCulture)))
            .ToList();

    // "[1764460000.123456] 64 bytes from 10.1.1.1: icmp_seq=12 ttl=64 time=0.412 ms" (iputils ping -D -n).
    [GeneratedRegex(@"^\[(?<t>[0-9]+\.[0-9]+)\] [0-9]+ bytes from [0-9.]+: icmp_seq=(?<seq>[0-9]+) ttl=[0-9]+ time=(?<rtt>[0-9.]+) ms", RegexOptions.CultureInvariant)]
    private static partial Regex StampedReplyLine();

    /// <summary>iputils ping -D replies, each at the time its host printed it minus that host's clock offset; numbered from 0 as busybox numbers them.</summary>
    public static List<PingReply> ParseStamped(IEnumerable<TimedLine> lines, TimeSpan clockOffset) =>
        lines.Select(l => StampedReplyLine().Match(l.Text)).Where(m => m.Success)
            .Select(m => new PingReply(int.Parse(m.Groups["seq"].Value, CultureInfo.InvariantCulture) - 1,
                DateTimeOffset.UnixEpoch.AddTicks((long)(decimal.Parse(m.Groups["t"].Value, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond)) - clockOffset,
                double.Parse(m.Groups["rtt"].Value, CultureInfo.InvariantCulture)))
            .ToList();

    public static PingAnalysis Analyse(IReadOnlyList<PingReply> replies, DateTimeOffset origin, TimeSpan interval)
    {
        if (replies.Count == 0) return PingAnalysis.Empty with { IntervalMs = interval.TotalMilliseconds };
        var distinct = replies.GroupBy(r => r.Seq).Select(g => g.First()).OrderBy(r => r.Seq).ToList();
        var sent = distinct[^1].Seq + 1;
        var gaps = new List<PingGap>();
        var gapThreshold = PingAnalysis.GapThresholdMs(interval.TotalMilliseconds);
        double? maxGap = null, maxAt = null;
        var byTime = replies.OrderBy(r => r.Time).ToList();
        for (var i = 1; i < byTime.Count; i++)
        {
            var ms = (byTime[i].Time - byTime[i - 1].Time).TotalMilliseconds;
            var startT = (byTime[i - 1].Time - origin).TotalSeconds;
            if (maxGap is null || ms > maxGap) { maxGap = ms; maxAt = startT; }
            if (ms > gapThreshold)
                gaps.Add(new PingGap(startT, (byTime[i].Time - origin).TotalSeconds, ms, Math.Max(0, byTime[i].Seq - byTime[i - 1].Seq - 1)));
        }
        return new PingAnalysis(sent, distinct.Count, sent - distinct.Count, maxGap, maxAt, interval.TotalMilliseconds, gaps,
            byTime.Select(r => (r.Time - origin).TotalSeconds).ToList());
    }
}
