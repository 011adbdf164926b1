using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Iperf;

/// <summary>
/// Parses the text report of an iperf 2 TCP test, client (`iperf -c`) or server (`iperf -s`) side,
/// in the 2.0.x layout (`[  3]  0.0- 2.0 sec`) and the 2.1.x one (`[  1] 0.0000-2.0000 sec`).
/// iperf 2 exits 0 even when it could not connect, so a missing report is the failure signal.
/// Output captured from a terminal is read as the terminal showed it (<see cref="TerminalCapture"/>);
/// a client run stopped with Ctrl+C prints a total over the part that ran, which is kept and marked
/// <see cref="IperfResult.Interrupted"/>.
/// </summary>
public static partial class Iperf2OutputParser
{
    private const string Num = @"[0-9]+(?:\.[0-9]+)?";

    // Only the leading columns: 2.1's enhanced (-e) lines add Write/Err, Rtry, Cwnd/RTT after them.
    [GeneratedRegex(@"^\[\s*(?<id>[0-9]+|SUM)\]\s*(?<s>" + Num + @")\s*-\s*(?<e>" + Num + @")\s+sec\s+(?<b>" + Num
        + @")\s*(?<bu>[KMGT]?)Bytes?\s+(?<r>" + Num + @")\s*(?<ru>[KMGT]?)bits/sec", RegexOptions.CultureInvariant)]
    private static partial Regex Report();

    [GeneratedRegex(@"^TCP window size:\s*(?<a>" + Num + @")\s*(?<au>[KMGT]?)Byte\b(?<rest>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Window();

    [GeneratedRegex(@"\(WARNING: requested\s*(?<r>" + Num + @")\s*(?<ru>[KMGT]?)Byte\)", RegexOptions.CultureInvariant)]
    private static partial Regex WindowWarning();

    [GeneratedRegex(@"^\[\s*[0-9]+\]\s+local\s.*\bconnected with\b", RegexOptions.CultureInvariant)]
    private static partial Regex Connected();

    [GeneratedRegex(@"^Server listening on\b", RegexOptions.CultureInvariant)]
    private static partial Regex ServerHeader();

    // "tcp connect failed: Connection refused" (2.1), "connect failed: ..." (2.0), "write failed: ...", "error: ...".
    [GeneratedRegex(@"^.*\b(?:failed|error)\b.*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ErrorLine();

    // The client's command line, when the capture shows it (a shell prompt, bash's "Stopped" job line):
    // "iperf -c 10.1.1.1 -w 100M -t 100 -i 2". Only its -t is read.
    [GeneratedRegex(@"(?:^|[\s/])iperf(?:\.exe)?(?=\s)(?=.*\s(?:-c|--client)\s*\S)", RegexOptions.CultureInvariant)]
    private static partial Regex ClientCommandLine();

    [GeneratedRegex(@"\s(?:-t|--time)(?:\s*|=)(?<t>[0-9]+(?:\.[0-9]+)?)(?=\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex TimeOption();

    // A total more than this short of the requested -t means the run was stopped (iperf 2.0 prints one decimal).
    private const double RequestedTimeTolerance = 0.1;

    [GeneratedRegex(@"iperf version\s+(?<v>[0-9]+\.[0-9]+(?:\.[0-9]+)*)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionLine();

    /// <summary>
    /// Parses one test. A server log that holds several tests is reduced to the last one.
    /// Pass standard error as well when it was captured apart: iperf 2 prints its errors there.
    /// </summary>
    public static IperfResult Parse(string output, string? standardError = null, string? toolVersion = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var capture = TerminalCapture.Read(output);
        var lines = capture.Lines;
        var diagnostics = $"{standardError}\n{capture.Text}";
        if (string.IsNullOrWhiteSpace(capture.Text)) throw Missing("text (the output is empty)", diagnostics);

        var run = LastRun(lines);
        var reports = run.Reports;
        if (reports.Count == 0)
            throw Missing("interval or total report lines ('[  1] 0.0-2.0 sec  ... bits/sec')", diagnostics);

        var totals = FindTotals(reports);
        var streams = reports.Select(r => r.StreamId).Where(id => id != IperfInterval.SumStreamId).Distinct().Count();
        var (requested, actual) = ParseWindow(lines);
        var summary = Summarize(totals, diagnostics);
        var requestedSeconds = RequestedSeconds(lines, run.StartLine);
        bool During(int line) => line >= run.StartLine && line <= run.EndLine;
        return new IperfResult
        {
            Tool = IperfResult.Iperf2,
            ToolVersion = toolVersion,
            Role = lines.Any(l => ServerHeader().IsMatch(l)) ? "server" : "client",
            Intervals = reports.Where(r => !totals.Contains(r)).ToList(),
            Interrupted = capture.InterruptLines.Any(During) || summary.Seconds + RequestedTimeTolerance < requestedSeconds,
            Suspended = capture.SuspendLines.Any(During),
            RequestedSeconds = requestedSeconds,
            Summary = summary with
            {
                ParallelStreams = streams,
                TcpWindowRequestedBytes = requested,
                TcpWindowActualBytes = actual,
            },
        };
    }

    /// <summary>"2.1.8" from `iperf -v` ("iperf version 2.1.8 (12 August 2022) pthreads", printed on stderr).</summary>
    public static string ParseVersion(string versionOutput)
    {
        var m = VersionLine().Match(versionOutput ?? "");
        return m.Success ? m.Groups["v"].Value
            : throw new LabException(LabCodes.BenchmarkOutput, $"'iperf -v' printed '{versionOutput?.Trim()}', which names no iperf 2 version.",
                "install iperf 2 from the distribution (./install-deps.sh); note that iperf 3 is the separate 'iperf3' program.");
    }

    /// <summary>
    /// The report lines after the last "connected with" line that follows a report (one test per
    /// block), and the lines the run spans: from its first "connected with" line (or first report) to its last report.
    /// </summary>
    private static (List<IperfInterval> Reports, int StartLine, int EndLine) LastRun(IReadOnlyList<string> lines)
    {
        var reports = new List<IperfInterval>();
        int start = -1, end = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            if (Connected().IsMatch(lines[i]))
            {
                if (reports.Count > 0) { reports.Clear(); start = -1; }
                if (start < 0) start = i;
            }
            else if (Report().Match(lines[i]) is { Success: true } m)
            {
                reports.Add(ToInterval(m));
                if (start < 0) start = i;
                end = i;
            }
        }
        return (reports, start, end);
    }

    /// <summary>The -t of the last client command line shown before the run, or null.</summary>
    private static double? RequestedSeconds(IReadOnlyList<string> lines, int runStart)
    {
        for (var i = Math.Min(runStart, lines.Count) - 1; i >= 0; i--)
            if (ClientCommandLine().Match(lines[i]) is { Success: true } command)
                return TimeOption().Match(lines[i][command.Index..]) is { Success: true } t ? ParseDouble(t.Groups["t"].Value, lines[i]) : null;
        return null;
    }

    /// <summary>
    /// The total of a stream (or of [SUM]) is its last line when that line starts at 0; every other
    /// line is an interval. A stream whose last line starts later was cut off before its total.
    /// </summary>
    private static HashSet<IperfInterval> FindTotals(List<IperfInterval> reports) =>
        reports.GroupBy(r => r.StreamId)
            .Select(g => g.Last())
            .Where(last => last.StartSeconds == 0)
            // By reference: a total and an interval can print identically.
            .ToHashSet<IperfInterval>(ReferenceEqualityComparer.Instance);

    private static IperfRunSummary Summarize(HashSet<IperfInterval> totals, string diagnostics)
    {
        var sum = totals.FirstOrDefault(t => t.IsSum);
        var streamTotals = totals.Where(t => !t.IsSum).ToList();
        if (sum is null && streamTotals.Count == 0)
            throw Missing("final total line covering the whole run (e.g. '[  1] 0.0-10.0 sec ...'); the run was cut short", diagnostics);
        if (sum is null && streamTotals.Count == 1) sum = streamTotals[0];
        if (sum is not null)
            return new IperfRunSummary { Bytes = sum.Bytes, Seconds = sum.EndSeconds, BitsPerSecond = sum.BitsPerSecond, ParallelStreams = 0 };

        return new IperfRunSummary
        {
            Bytes = streamTotals.Sum(t => t.Bytes),
            Seconds = streamTotals.Max(t => t.EndSeconds),
            BitsPerSecond = streamTotals.Sum(t => t.BitsPerSecond),
            ParallelStreams = 0,
            SummedFromStreams = true,
        };
    }

    private static (long? Requested, long? Actual) ParseWindow(IReadOnlyList<string> lines)
    {
        var m = lines.Select(l => Window().Match(l)).FirstOrDefault(x => x.Success);
        if (m is null) return (null, null);
        var actual = Bytes(m.Groups["a"].Value, m.Groups["au"].Value, m.Value);
        var rest = m.Groups["rest"].Value;
        if (WindowWarning().Match(rest) is { Success: true } w) return (Bytes(w.Groups["r"].Value, w.Groups["ru"].Value, m.Value), actual);
        // Without "(default)" a -w was given and granted as asked, so iperf printed no warning.
        return (rest.Contains("(default)", StringComparison.Ordinal) ? null : actual, actual);
    }

    private static IperfInterval ToInterval(Match m) => new(
        ParseDouble(m.Groups["s"].Value, m.Value),
        ParseDouble(m.Groups["e"].Value, m.Value),
        Bytes(m.Groups["b"].Value, m.Groups["bu"].Value, m.Value),
        Finite(ParseDouble(m.Groups["r"].Value, m.Value) * Math.Pow(1000, Power(m.Groups["ru"].Value)), m.Groups["r"].Value, m.Value),
        Retransmits: null,
        m.Groups["id"].Value == "SUM" ? IperfInterval.SumStreamId : m.Groups["id"].Value);

    // iperf 2 prints three significant digits, so the byte counts are as exact as the text.
    private static long Bytes(string value, string unit, string line)
    {
        var bytes = Math.Round(ParseDouble(value, line) * Math.Pow(1024, Power(unit)));
        return bytes < long.MaxValue ? (long)bytes : throw TooLarge(value, line);
    }

    private static int Power(string unit) => unit switch { "K" => 1, "M" => 2, "G" => 3, "T" => 4, _ => 0 };

    private static double ParseDouble(string s, string line) =>
        Finite(double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), s, line);

    private static double Finite(double value, string text, string line) => double.IsFinite(value) ? value : throw TooLarge(text, line);

    private static LabException TooLarge(string number, string line) => new(LabCodes.BenchmarkOutput,
        $"Cannot parse iperf 2 output: the number {OutputExcerpt.Number(number)} in '{OutputExcerpt.Tail(line, 120)}' is too large.",
        "import iperf's output unchanged; no iperf run prints a figure this large, so the line was altered after iperf wrote it.");

    private static LabException Missing(string what, string diagnostics)
    {
        var error = ErrorLine().Match(diagnostics);
        var reported = error.Success ? $" iperf reported: '{error.Value.Trim()}'." : "";
        var excerpt = string.IsNullOrWhiteSpace(diagnostics) ? "" : $" Output ends with: {OutputExcerpt.Tail(diagnostics)}";
        return new LabException(LabCodes.BenchmarkOutput,
            $"Cannot parse iperf 2 output: no {what} found.{reported}{excerpt}",
            "make sure an 'iperf -s' server is reachable, that 'iperf -c <server> -t <s> -i <s>' ran to completion, and pass its output unchanged.");
    }
}
