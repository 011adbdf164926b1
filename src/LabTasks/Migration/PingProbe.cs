using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace VirtLab.Migration;

/// <summary>
/// busybox ping from the lab namespace to the guest at a fixed interval (5 ms by default; busybox
/// 1.35 accepts fractional -i and, run as root as the lab is, no floor on it). Replies are stamped
/// as their lines arrive (busybox flushes each line). Only counts and silences become records; the
/// replies themselves stay in the raw ping output.
/// </summary>
public sealed partial class PingProbe : IDisposable
{
    private readonly IHostProcess _process;
    private readonly TimeSpan _interval;

    private PingProbe(IHostProcess process, TimeSpan interval)
    {
        _process = process;
        _interval = interval;
    }

    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(10);

    public static PingProbe Start(string netns, IPAddress guest, TimeSpan interval) => Start(new NamespaceSide(netns), guest, interval);

    /// <summary>Pings from <paramref name="side"/>; a remote side's lines are stamped when they arrive here (one clock for every probe).</summary>
    public static PingProbe Start(IHostSide side, IPAddress guest, TimeSpan interval)
    {
        if (interval < MinInterval || interval > MaxInterval)
            throw new ArgumentOutOfRangeException(nameof(interval), "ping interval must be 1 ms – 10 s");
        var seconds = interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return new PingProbe(side.Start("busybox", ["ping", "-i", seconds, guest.ToString()]), interval);
    }

    /// <summary>Stops the pings and analyses them on the timeline that starts at <paramref name="origin"/>.</summary>
    public PingAnalysis Stop(DateTimeOffset origin)
    {
        _process.Stop();
        return Analyse(Parse(_process.Lines), origin, _interval);
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
