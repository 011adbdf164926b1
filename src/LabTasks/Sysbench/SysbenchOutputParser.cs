using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Sysbench;

/// <summary>
/// Parses the text report of `sysbench cpu|memory run` for sysbench 1.0.x and the 0.4.x family
/// (0.4.12 "Test execution summary" and the later 0.4/0.5 "General statistics" wording).
/// Each pattern accepts both spellings, so the version only decides which lines are expected.
/// Output captured from a terminal is read as the terminal showed it (<see cref="TerminalCapture"/>).
/// sysbench 1.0 prints no totals when it is interrupted (Ctrl+C), so such a run cannot be imported;
/// the error says so rather than naming a missing line.
/// </summary>
public static class SysbenchOutputParser
{
    private const string Num = @"(?<v>[0-9]+(?:\.[0-9]+)?)";
    private const RegexOptions Options = RegexOptions.Multiline | RegexOptions.CultureInvariant;

    private static readonly Regex Header = new(@"^sysbench\s+(?<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?)\b", Options);
    private static readonly Regex Threads = new(@"^Number of threads:\s*(?<v>[0-9]{1,9})\s*$", Options);
    private static readonly Regex TotalTime = new(@"^\s*total time:\s*" + Num + @"s\s*$", Options);
    private static readonly Regex TotalEvents = new(@"^\s*total number of events:\s*(?<v>[0-9]{1,18})\s*$", Options);
    private static readonly Regex EventsPerSecond = new(@"^\s*events per second:\s*" + Num + @"\s*$", Options);

    // 1.0 prints bare numbers under "Latency (ms):"; 0.4.12 prints "2.00ms", pre-0.4.8 printed seconds.
    private static readonly Regex Latency = new(@"^\s*(?<k>min|avg|max):\s*" + Num + @"\s*(?<u>ns|us|ms|s)?\s*$", Options);
    private static readonly Regex Percentile = new(
        @"^\s*(?:approx\.\s*(?<p>[0-9]{1,3})\s+percentile|(?<p>[0-9]{1,3})th percentile):\s*" + Num + @"\s*(?<u>ns|us|ms|s)?\s*$", Options);

    private static readonly Regex CpuMarker = new(
        @"^(?:Prime numbers limit:|Maximum prime number checked in CPU test:|CPU speed:|Doing CPU performance benchmark)", Options);
    private static readonly Regex MaxPrime = new(
        @"^(?:Prime numbers limit|Maximum prime number checked in CPU test):\s*(?<v>[0-9]{1,9})\s*$", Options);

    private static readonly Regex MemoryMarker = new(
        @"^(?:Running memory speed test|Doing memory operations speed test|Total operations:|Operations performed:)", Options);
    private static readonly Regex BlockSize = new(@"^\s*(?:Memory )?block size:\s*(?<v>[0-9]{1,12})\s*(?<u>[KMGT]?)(?:iB)?\s*$", Options);
    private static readonly Regex TotalSize = new(@"^\s*(?:total size|Memory transfer size):\s*(?<v>[0-9]{1,12})\s*(?<u>[KMGT]?)(?:iB)?\s*$", Options);
    private static readonly Regex MemoryOperation = new(@"^\s*(?:operation|Memory operations type):\s*(?<v>\w+)\s*$", Options);
    private static readonly Regex Operations = new(
        @"^(?:Total operations|Operations performed):\s*(?<n>[0-9]{1,18})\s*\(\s*" + Num + @"\s*(?:per second|ops/sec)\)", Options);

    // 0.4 labels the unit "MB" but divides by 1024*1024, so both spellings are MiB.
    private static readonly Regex Transferred = new(
        @"^(?<t>[0-9]+(?:\.[0-9]+)?)\s*Mi?B transferred\s*\(\s*" + Num + @"\s*Mi?B/sec\)", Options);

    private static readonly Regex Fatal = new(@"^FATAL:.*$", Options);
    private static readonly Regex ThreadsStarted = new(@"^Threads started!\s*$", Options);
    // 1.0's --report-interval lines: "[ 1s ] thds: 1 eps: 1638.70 lat (ms,95%): 4.33".
    private static readonly Regex InterimReport = new(@"^\[\s*[0-9.]+s\s*\]", Options);

    public static SysbenchResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var capture = TerminalCapture.Read(text);
        text = capture.Text;
        if (string.IsNullOrWhiteSpace(text)) throw Missing("any text (the output is empty)", text);
        if (!TotalTime.IsMatch(text) && (capture.InterruptLines.Count > 0 || StopsAfterThreadsStarted(text)))
            throw InterruptedBeforeTotals(capture);

        var version = Header.Match(text) is { Success: true } h ? h.Groups["v"].Value
            : throw Missing("'sysbench <version>' header line", text);
        var test = DetectTest(text);
        var threads = (int)RequiredLong(Threads, text, "'Number of threads:' line");
        var totalTime = RequiredDouble(TotalTime, text, "'total time:' line");
        var events = RequiredLong(TotalEvents, text, "'total number of events:' line");
        var printedRate = OptionalDouble(EventsPerSecond, text);
        if (printedRate is null && totalTime <= 0)
            throw Missing("non-zero 'total time:' (it is 0 s, so events/s cannot be computed; run longer)", text);

        var latency = ParseLatency(text);
        var percentile = Percentile.Match(text);
        var ops = Operations.Match(text);
        var transferred = Transferred.Match(text);
        if (test == "memory" && !ops.Success) throw Missing("'Total operations:' / 'Operations performed:' line", text);

        return new SysbenchResult
        {
            ToolVersion = version,
            Test = test,
            Threads = threads,
            TotalTimeSeconds = totalTime,
            TotalEvents = events,
            EventsPerSecond = printedRate ?? events / totalTime,
            EventsPerSecondDerived = printedRate is null,
            LatencyMinMs = latency.GetValueOrDefault("min"),
            LatencyAvgMs = latency.GetValueOrDefault("avg"),
            LatencyMaxMs = latency.GetValueOrDefault("max"),
            LatencyPercentile = percentile.Success ? int.Parse(percentile.Groups["p"].Value, CultureInfo.InvariantCulture) : null,
            LatencyPercentileMs = percentile.Success ? ToMilliseconds(percentile) : null,
            CpuMaxPrime = (int?)OptionalLong(MaxPrime, text),
            BlockSizeBytes = OptionalSize(BlockSize, text),
            TotalSizeBytes = OptionalSize(TotalSize, text),
            MemoryOperation = MemoryOperation.Match(text) is { Success: true } m ? m.Groups["v"].Value : null,
            TotalOperations = ops.Success ? long.Parse(ops.Groups["n"].Value, CultureInfo.InvariantCulture) : null,
            OperationsPerSecond = ops.Success ? ParseDouble(ops.Groups["v"].Value, ops.Value) : null,
            TransferredMiB = transferred.Success ? ParseDouble(transferred.Groups["t"].Value, transferred.Value) : null,
            MiBPerSecond = transferred.Success ? ParseDouble(transferred.Groups["v"].Value, transferred.Value) : null,
        };
    }

    /// <summary>Nothing but interim reports follows "Threads started!": sysbench was stopped while it ran.</summary>
    private static bool StopsAfterThreadsStarted(string text) =>
        ThreadsStarted.Match(text) is { Success: true } started
        && text[(started.Index + started.Length)..].Split('\n').All(l => l.Trim().Length == 0 || InterimReport.IsMatch(l));

    private static string DetectTest(string text)
    {
        if (MemoryMarker.IsMatch(text)) return "memory";
        if (CpuMarker.IsMatch(text)) return "cpu";
        throw Missing("cpu or memory test lines ('Prime numbers limit:', 'Maximum prime number checked', "
            + "'Total operations:' or 'Operations performed:')", text);
    }

    private static Dictionary<string, double> ParseLatency(string text)
    {
        var values = new Dictionary<string, double>();
        foreach (Match m in Latency.Matches(text))
            values.TryAdd(m.Groups["k"].Value, ToMilliseconds(m));
        return values;
    }

    private static double ToMilliseconds(Match m)
    {
        var value = ParseDouble(m.Groups["v"].Value, m.Value);
        return m.Groups["u"].Value switch
        {
            "ns" => value / 1_000_000,
            "us" => value / 1_000,
            "s" => value * 1_000,
            _ => value, // "ms", or 1.0's bare number under "Latency (ms):"
        };
    }

    private static long? OptionalSize(Regex regex, string text)
    {
        var m = regex.Match(text);
        if (!m.Success) return null;
        var shift = m.Groups["u"].Value switch { "K" => 10, "M" => 20, "G" => 30, "T" => 40, _ => 0 };
        var value = long.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
        return value <= long.MaxValue >> shift ? value << shift : throw TooLarge(m.Groups["v"].Value + m.Groups["u"].Value + "iB", m.Value);
    }

    private static double RequiredDouble(Regex regex, string text, string what) =>
        OptionalDouble(regex, text) ?? throw Missing(what, text);

    private static long RequiredLong(Regex regex, string text, string what) =>
        OptionalLong(regex, text) ?? throw Missing(what, text);

    private static double? OptionalDouble(Regex regex, string text) =>
        regex.Match(text) is { Success: true } m ? ParseDouble(m.Groups["v"].Value, m.Value) : null;

    private static long? OptionalLong(Regex regex, string text) =>
        regex.Match(text) is { Success: true } m ? long.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture) : null;

    private static double ParseDouble(string s, string line)
    {
        var value = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(value) ? value : throw TooLarge(s, line);
    }

    private static LabException TooLarge(string number, string line) => new(LabCodes.BenchmarkOutput,
        $"Cannot parse sysbench output: the number {OutputExcerpt.Number(number)} in '{OutputExcerpt.Tail(line, 120)}' is too large.",
        "import sysbench's output unchanged; no sysbench run prints a figure this large, so the line was altered after sysbench wrote it.");

    private static LabException InterruptedBeforeTotals(TerminalCapture capture)
    {
        var how = capture.InterruptLines.Count > 0
            ? "the run was interrupted (Ctrl+C) before it printed its totals"
            : "the output stops after 'Threads started!': the run was interrupted or killed before it printed its totals";
        return new LabException(LabCodes.BenchmarkOutput,
            $"Cannot use this sysbench output: {how}, and sysbench prints none when it is stopped (its '[ 1s ]' interim reports, if any, are not totals). Output ends with: {OutputExcerpt.Tail(capture.Text)}",
            "run sysbench again to the end; for a shorter run lower --time or --events (sysbench 1.0), --max-time or --max-requests (0.4).");
    }

    private static LabException Missing(string what, string text)
    {
        var fatal = Fatal.Match(text);
        var reported = fatal.Success ? $" sysbench reported: '{fatal.Value.Trim()}'." : "";
        var excerpt = string.IsNullOrWhiteSpace(text) ? "" : $" Output ends with: {OutputExcerpt.Tail(text)}";
        return new LabException(LabCodes.BenchmarkOutput,
            $"Cannot parse sysbench output: no {what} found.{reported}{excerpt}",
            "make sure 'sysbench cpu|memory ... run' ran to completion (sysbench 0.4.x or 1.0.x) and its standard output is passed unchanged.");
    }
}
