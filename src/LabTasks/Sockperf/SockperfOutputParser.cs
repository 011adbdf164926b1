using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Sockperf;

/// <summary>
/// Parses the standard output of `sockperf ping-pong` (3.7; 3.10 only lengthens the avg line).
/// sockperf prints its errors to standard output too and exits 0 on most of them (connection
/// refused, a rejected option), so the text alone decides: a failure sockperf reports is LAB0050,
/// output without the statistics is LAB0051. With several servers only Server No 0 is read.
/// </summary>
public static class SockperfOutputParser
{
    private const string Num = @"(?<v>[0-9]+(?:\.[0-9]+)?)";
    private const RegexOptions Options = RegexOptions.Multiline | RegexOptions.CultureInvariant;

    // sockperf colours a few lines even when writing to a file or pipe.
    private static readonly Regex Colour = new(@"\x1b\[[0-9;]*m", RegexOptions.CultureInvariant);

    private static readonly Regex Banner = new(@"^sockperf: == version #(?<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?)\S* ==", Options);
    private static readonly Regex Summary = new(
        @"^sockperf: Summary: (?<k>Round trip|Latency)(?: of burst of [0-9]+ messages)? is " + Num + @" usec\s*$", Options);
    private static readonly Regex Average = new(@"^sockperf: ====> avg-(?<k>rtt|latency)=" + Num + @" \(std-dev=(?<sd>[0-9]+(?:\.[0-9]+)?)[,)]", Options);
    private static readonly Regex Total = new(@"^sockperf: Total (?<v>[0-9]{1,18}) observations\b", Options);
    private static readonly Regex Max = new(@"^sockperf: ---> <MAX> observation =\s*" + Num + @"\s*$", Options);
    private static readonly Regex Min = new(@"^sockperf: ---> <MIN> observation =\s*" + Num + @"\s*$", Options);
    private static readonly Regex Percentile = new(@"^sockperf: ---> percentile\s*(?<p>[0-9]{1,3}\.[0-9]{3})\s*=\s*" + Num + @"\s*$", Options);
    private static readonly Regex Valid = new(
        @"^sockperf: \[Valid Duration\] RunTime=" + Num + @" sec; SentMessages=[0-9]+; ReceivedMessages=(?<r>[0-9]{1,18})", Options);
    private static readonly Regex Errors = new(
        @"^sockperf: # dropped messages = (?<d>[0-9]{1,18}); # duplicated messages = (?<u>[0-9]{1,18}); # out-of-order messages = (?<o>[0-9]{1,18})", Options);

    private const string ServerFix =
        "start 'sockperf server --tcp -i <address> -p <port>' first, check that the client reaches that address and port, and keep -m at most 65507.";

    // An ERROR can follow other text on the same line ("IP = … # TCP sockperf: ERROR: …");
    // a debug build writes "sockperf: file.cpp:123:ERROR: …".
    private static readonly (Regex Pattern, string Fix)[] Failures =
    [
        (new Regex(@"sockperf: (?:\S+:[0-9]+:)?(?<m>ERROR: .*?)\s*$", Options), ServerFix),
        (new Regex(@"^sockperf: (?<m>No messages were received from the server\..*?)\s*$", Options), ServerFix),
        (new Regex(@"^sockperf: (?<m>(?:No valid observations found|Test end before test start)\..*?)\s*$", Options),
            "run longer (-t 5 or more): sockperf drops its warm-up and cool-down, and with --no-rdtsc that cut is a second or more."),
        (new Regex(@"^sockperf: (?<m>(?:'[^']*' )?Invalid\b.*?)\s*$", Options),
            "pass only values sockperf accepts (SockperfCommand checks them: -m 14–65507, -t 3–3600)."),
    ];

    private static readonly string[] RequiredRanks = ["99.999", "99.990", "99.900", "99.000", "90.000", "75.000", "50.000"];

    public static SockperfResult Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = Colour.Replace(output.Replace("\r\n", "\n"), "");
        if (string.IsNullOrWhiteSpace(text)) throw Missing("text (the output is empty)", text);
        ThrowIfToolFailed(text);

        var version = Banner.Match(text) is { Success: true } b ? b.Groups["v"].Value
            : throw Missing("'sockperf: == version #… ==' banner", text);
        var summary = Summary.Match(text);
        var average = Average.Match(text);
        if (!summary.Success && !average.Success)
            throw Missing("'Summary: Round trip is … usec' / 'Summary: Latency is … usec' or '====> avg-rtt=…' line", text);
        var roundTrip = summary.Success ? summary.Groups["k"].Value == "Round trip" : average.Groups["k"].Value == "rtt";
        if (summary.Success && average.Success && roundTrip != (average.Groups["k"].Value == "rtt"))
            throw Missing("consistent kind of latency (the Summary line and the avg- line disagree on round trip vs latency)", text);

        var percentiles = new Dictionary<string, double>();
        foreach (Match m in Percentile.Matches(text))
            percentiles.TryAdd(m.Groups["p"].Value, ParseDouble(m.Groups["v"].Value));
        double Rank(string rank) =>
            percentiles.TryGetValue(rank, out var v) ? v : throw Missing($"'---> percentile {rank} = …' line", text);
        foreach (var rank in RequiredRanks) Rank(rank);

        var valid = Valid.Match(text);
        var errors = Errors.Match(text);
        return new SockperfResult
        {
            ToolVersion = version,
            RoundTrip = roundTrip,
            AverageUs = ParseDouble((summary.Success ? summary : average).Groups["v"].Value),
            StdDevUs = average.Success ? ParseDouble(average.Groups["sd"].Value) : null,
            Observations = Total.Match(text) is { Success: true } t ? ParseLong(t.Groups["v"].Value)
                : throw Missing("'Total N observations' line", text),
            MaxUs = Required(Max, text, "'---> <MAX> observation = …' line"),
            MinUs = Required(Min, text, "'---> <MIN> observation = …' line"),
            P99999Us = Rank("99.999"),
            P9999Us = Rank("99.990"),
            P999Us = Rank("99.900"),
            P99Us = Rank("99.000"),
            P90Us = Rank("90.000"),
            P75Us = Rank("75.000"),
            P50Us = Rank("50.000"),
            P25Us = percentiles.TryGetValue("25.000", out var p25) ? p25 : null,
            ValidRunTimeSeconds = valid.Success ? ParseDouble(valid.Groups["v"].Value) : null,
            ValidReceivedMessages = valid.Success ? ParseLong(valid.Groups["r"].Value) : null,
            DroppedMessages = errors.Success ? ParseLong(errors.Groups["d"].Value) : null,
            DuplicatedMessages = errors.Success ? ParseLong(errors.Groups["u"].Value) : null,
            OutOfOrderMessages = errors.Success ? ParseLong(errors.Groups["o"].Value) : null,
        };
    }

    private static void ThrowIfToolFailed(string text)
    {
        foreach (var (pattern, fix) in Failures)
        {
            var messages = pattern.Matches(text).Select(m => m.Groups["m"].Value).Distinct().ToList();
            if (messages.Count > 0)
                throw new LabException(LabCodes.Benchmark, $"sockperf failed: {string.Join(" / ", messages)}", fix);
        }
    }

    private static double Required(Regex regex, string text, string what) =>
        regex.Match(text) is { Success: true } m ? ParseDouble(m.Groups["v"].Value) : throw Missing(what, text);

    private static double ParseDouble(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static long ParseLong(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static LabException Missing(string what, string text)
    {
        var excerpt = string.IsNullOrWhiteSpace(text) ? "" : $" Output ends with: {ProcessRunner.Tail(text, 300)}";
        return new LabException(LabCodes.BenchmarkOutput,
            $"Cannot parse sockperf output: no {what} found.{excerpt}",
            "make sure 'sockperf ping-pong --tcp ...' ran to completion (sockperf 3.7 or later) and its standard output is passed unchanged.");
    }
}
