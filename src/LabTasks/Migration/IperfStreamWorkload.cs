using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// One TCP stream from the guest to the host side of br0 that lasts across the migration. The
/// iperf3 server runs in the guest; the client runs on the host side (the lab namespace, or a peer host) with -R (so the guest
/// sends) and --forceflush, so every interval line (0.1 s by default, iperf3's minimum) is read,
/// and stamped, as it is printed.
/// The stream is "kept" when the client ran until it was stopped, reported no error, and its
/// TCP connection (same local port) was still established at the end.
/// </summary>
public sealed partial class IperfStreamWorkload(double intervalSeconds, int port) : IMigrationWorkload
{
    private IHostProcess? _client;
    private GuestJob? _server;
    private int? _localPort;

    public string Name => "iperf";

    public void Start(WorkloadContext context, CancellationToken cancel)
    {
        var portText = WorkloadOptions.Int(port, 1, 65535, "iperf port");
        if (!(intervalSeconds is >= 0.1 and <= 60)) throw new LabException(LabCodes.ConfigBadValue, "The iperf interval must be 0.1–60 s.", "fix the interval.");
        _server = GuestJob.Start(context.Ssh, ["iperf3", "-s", "-1", "-p", portText], "/tmp/virtlab-iperf3-server.log", cancel);
        WaitForGuestListener(context, portText, cancel);
        _client = context.Side.Start("iperf3",
            ["-c", context.GuestAddress.ToString(), "-p", portText, "-R", "-t", "86400", "-i", intervalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "--forceflush"]);
        if (!_client.WaitForLine(l => Interval().IsMatch(l.Text), TimeSpan.FromSeconds(20), cancel))
            throw new LabException(LabCodes.Benchmark, $"The iperf3 stream from the guest did not start: {ProcessRunner.Tail(_client.Output, 400)}",
                "check the guest's serial log and that nothing else uses the port.");
        _localPort = LocalPort(_client.Output);
    }

    public WorkloadRun Stop(WorkloadContext context, CancellationToken cancel)
    {
        var client = _client ?? throw new InvalidOperationException("not started");
        var ranToTheEnd = !client.HasExited;
        var established = ranToTheEnd && _localPort is { } p && Established(context, p);
        client.Stop();
        var output = client.Output;
        var problems = client.Lines.Where(l => l.Text.Contains("error", StringComparison.OrdinalIgnoreCase)).Select(l => l.Text.Trim()).ToList();
        if (!ranToTheEnd) problems.Add($"the iperf3 client ended on its own (exit {client.ExitCode}) before it was stopped");
        try { _server?.Stop(context.Ssh, "INT", TimeSpan.FromSeconds(5), cancel); } catch (Exception e) when (e is TimeoutException or Renci.SshNet.Common.SshException) { }
        client.Dispose();
        return new WorkloadRun(Name, "throughput", "Gbit/s", intervalSeconds, Parse(client.Lines), null, output, problems,
            ConnectionKept: ranToTheEnd && established && problems.Count == 0);
    }

    public WorkloadRun Abandon(string reason)
    {
        var client = _client ?? throw new InvalidOperationException("not started");
        client.Stop();
        client.Dispose();
        return new WorkloadRun(Name, "throughput", "Gbit/s", intervalSeconds, Parse(client.Lines), null, client.Output, [reason], ConnectionKept: false);
    }

    private static void WaitForGuestListener(WorkloadContext context, string port, CancellationToken cancel)
    {
        // netstat is busybox's; the port is a validated number.
        var script = $"i=0; while ! netstat -ltn | grep -q ':{port} '; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done";
        if (context.Ssh.Run(script, TimeSpan.FromSeconds(30), cancel).ExitCode != 0)
            throw new LabException(LabCodes.Benchmark, $"The iperf3 server in the guest did not listen on port {port}.", "see /tmp/virtlab-iperf3-server.log in the guest.");
    }

    private bool Established(WorkloadContext context, int localPort)
    {
        var ss = context.Side.Run("ss", ["-Htn", "state", "established"], TimeSpan.FromSeconds(10)).StandardOutput;
        var local = ":" + localPort.ToString(CultureInfo.InvariantCulture) + " ";
        var peer = context.GuestAddress + ":" + port.ToString(CultureInfo.InvariantCulture);
        return ss.Split('\n').Any(l => l.Contains(local, StringComparison.Ordinal) && l.Contains(peer, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"local [0-9.]+ port (?<port>[0-9]+) connected to", RegexOptions.CultureInvariant)]
    private static partial Regex Connected();

    public static int? LocalPort(string output) =>
        Connected().Match(output) is { Success: true } m ? int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture) : null;

    // "[  5]   1.00-1.50   sec  1.50 GBytes  25.9 Gbits/sec" — interval lines only (summary lines end in sender/receiver).
    [GeneratedRegex(@"^\[\s*[0-9]+\]\s+(?<s>[0-9.]+)-(?<e>[0-9.]+)\s+sec\s+[0-9.]+\s+[KMGT]?Bytes\s+(?<r>[0-9.]+)\s+(?<u>[KMGT]?)bits/sec\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Interval();

    /// <summary>
    /// Interval lines as Gbit/s at their end time on the host clock. Each line's arrival minus its
    /// end offset estimates when the test started; the median of those places every interval.
    /// </summary>
    public static List<WorkloadPoint> Parse(IReadOnlyList<TimedLine> lines)
    {
        var intervals = lines.Select(l => (l.Time, m: Interval().Match(l.Text))).Where(x => x.m.Success)
            .Select(x => (x.Time, Start: double.Parse(x.m.Groups["s"].Value, CultureInfo.InvariantCulture), End: double.Parse(x.m.Groups["e"].Value, CultureInfo.InvariantCulture),
                Gbit: double.Parse(x.m.Groups["r"].Value, CultureInfo.InvariantCulture) * Scale(x.m.Groups["u"].Value)))
            .ToList();
        // The interval cut short when the client is stopped is not comparable with the others.
        var full = intervals.Select(i => i.End - i.Start).DefaultIfEmpty(0).Max();
        intervals = intervals.Where(i => i.End - i.Start >= 0.75 * full).ToList();
        if (intervals.Count == 0) return [];
        var starts = intervals.Select(i => i.Time.AddSeconds(-i.End).UtcTicks).Order().ToList();
        var start = new DateTimeOffset(starts[starts.Count / 2], TimeSpan.Zero);
        return intervals.Select(i => new WorkloadPoint(start.AddSeconds(i.End), i.Gbit)).ToList();
    }

    private static double Scale(string unit) => unit switch
    {
        "" => 1e-9,
        "K" => 1e-6,
        "M" => 1e-3,
        "G" => 1,
        "T" => 1e3,
        _ => 1,
    };
}
