using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Iperf;

/// <summary>
/// Parses the JSON report of an iperf3 TCP test (`iperf3 -c ... -J`, also a server's `-J` report).
/// iperf3 can exit 0 after a failed test and put the reason in a top-level "error" key, so that key
/// is checked before anything else.
/// </summary>
public static partial class Iperf3JsonParser
{
    [GeneratedRegex(@"[0-9]+\.[0-9]+(?:\.[0-9]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex VersionNumber();

    [GeneratedRegex(@"^iperf3:.*$", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex PlainTextError();

    public static IperfResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json = JsonOf(json);
        if (string.IsNullOrWhiteSpace(json)) throw Missing("text (the output is empty)", json);

        using var document = ParseDocument(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Missing("JSON object at the top level", json);
        if (root.TryGetProperty("error", out var error) && error.ToString().StartsWith("interrupt", StringComparison.Ordinal))
            throw new LabException(LabCodes.BenchmarkOutput,
                $"iperf3 was interrupted (Ctrl+C) before the end of its run ('{error}'); its JSON then holds no receiver totals to import.",
                "run iperf3 -J again to the end; for a shorter run lower -t.");
        if (error.ValueKind != JsonValueKind.Undefined)
            throw new LabException(LabCodes.BenchmarkOutput, $"iperf3 reported an error: '{error}'.",
                "check that an 'iperf3 -s' server is running and reachable at the address and port given, then run again.");

        var start = Property(root, "start", "start", json);
        var end = Property(root, "end", "end", json);
        var testStart = Optional(start, "test_start");
        RequireTcp(testStart, json);

        var client = start.TryGetProperty("connecting_to", out _) || !start.TryGetProperty("accepted_connection", out _);
        var reverse = Int(testStart, "reverse") is > 0;
        var sent = Totals(Property(end, "sum_sent", "end.sum_sent", json), "end.sum_sent", json);
        var received = Totals(Property(end, "sum_received", "end.sum_received", json), "end.sum_received", json);
        var cpu = Optional(end, "cpu_utilization_percent");
        var sndbuf = Long(start, "sndbuf_actual");
        var rcvbuf = Long(start, "rcvbuf_actual");

        return new IperfResult
        {
            Tool = IperfResult.Iperf3,
            ToolVersion = Version(start),
            Role = client ? "client" : "server",
            Reverse = reverse,
            TcpMssDefaultBytes = Int(start, "tcp_mss_default"),
            SendBufferActualBytes = sndbuf,
            ReceiveBufferActualBytes = rcvbuf,
            Intervals = Intervals(root, json),
            Summary = new IperfRunSummary
            {
                Bytes = received.Bytes,
                Seconds = received.Seconds,
                BitsPerSecond = received.BitsPerSecond,
                Retransmits = sent.Retransmits,
                Sent = sent,
                Received = received,
                TcpWindowRequestedBytes = Long(start, "sock_bufsize") is > 0 and var requested ? requested : null,
                // As iperf 2 reports it: the local socket's buffer in the direction it moved data.
                TcpWindowActualBytes = client != reverse ? sndbuf : rcvbuf,
                ParallelStreams = Int(testStart, "num_streams") ?? StreamCount(end),
                HostCpuTotalPercent = Double(cpu, "host_total"),
                RemoteCpuTotalPercent = Double(cpu, "remote_total"),
            },
        };
    }

    /// <summary>
    /// The JSON document as the terminal showed it: when a shell prompt or the command line
    /// surrounds it, from the line "{" that opens iperf3's report to the line "}" that closes it.
    /// </summary>
    public static string JsonOf(string text)
    {
        var capture = TerminalCapture.Read(text);
        if (capture.Text.TrimStart().StartsWith('{')) return capture.Text;
        var lines = capture.Lines.ToList();
        var first = lines.FindIndex(l => l.Trim() == "{");
        var last = lines.FindLastIndex(l => l.Trim() == "}");
        return first >= 0 && last > first ? string.Join('\n', lines[first..(last + 1)]) : capture.Text;
    }

    private static JsonDocument ParseDocument(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            var reported = PlainTextError().Match(json) is { Success: true } m ? $" iperf3 reported: '{m.Value.Trim()}'." : "";
            throw new LabException(LabCodes.BenchmarkOutput,
                $"Cannot parse iperf3 output: it is not JSON ({e.Message}).{reported} Output ends with: {OutputExcerpt.Tail(json)}",
                "run iperf3 with -J and pass its standard output unchanged.", inner: e);
        }
    }

    private static void RequireTcp(JsonElement? testStart, string json)
    {
        var protocol = testStart is { } t && t.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (protocol is not null && !protocol.Equals("TCP", StringComparison.OrdinalIgnoreCase))
            throw Missing($"TCP test (start.test_start.protocol is '{protocol}')", json);
    }

    // Omitted (-O warm-up) intervals are left out, as iperf3 leaves them out of its end totals.
    private static List<IperfInterval> Intervals(JsonElement root, string json)
    {
        var intervals = new List<IperfInterval>();
        if (!root.TryGetProperty("intervals", out var array) || array.ValueKind != JsonValueKind.Array) return intervals;
        foreach (var interval in array.EnumerateArray())
        {
            if (interval.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array)
                foreach (var stream in streams.EnumerateArray().Where(s => !Omitted(s)))
                    intervals.Add(ToInterval(stream, Long(stream, "socket")?.ToString(CultureInfo.InvariantCulture) ?? "?", json));
            if (interval.TryGetProperty("sum", out var sum) && !Omitted(sum))
                intervals.Add(ToInterval(sum, IperfInterval.SumStreamId, json));
        }
        return intervals;
    }

    private static IperfInterval ToInterval(JsonElement e, string streamId, string json) => new(
        RequiredDouble(e, "start", "intervals[].start", json),
        RequiredDouble(e, "end", "intervals[].end", json),
        RequiredLong(e, "bytes", "intervals[].bytes", json),
        RequiredDouble(e, "bits_per_second", "intervals[].bits_per_second", json),
        Int(e, "retransmits"),
        streamId);

    private static IperfTotals Totals(JsonElement e, string path, string json) => new(
        RequiredLong(e, "bytes", $"{path}.bytes", json),
        Double(e, "seconds") ?? RequiredDouble(e, "end", $"{path}.seconds", json) - (Double(e, "start") ?? 0),
        RequiredDouble(e, "bits_per_second", $"{path}.bits_per_second", json),
        Int(e, "retransmits"));

    private static bool Omitted(JsonElement e) =>
        e.TryGetProperty("omitted", out var o) && o.ValueKind == JsonValueKind.True;

    private static int StreamCount(JsonElement end) =>
        end.TryGetProperty("streams", out var s) && s.ValueKind == JsonValueKind.Array ? s.GetArrayLength() : 1;

    private static string? Version(JsonElement start)
    {
        if (!start.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.String) return null;
        var text = v.GetString()!; // "iperf 3.12"
        return VersionNumber().Match(text) is { Success: true } m ? m.Value : text.Trim();
    }

    private static JsonElement Property(JsonElement parent, string name, string path, string json) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : throw Missing($"'{path}' object", json);

    private static JsonElement? Optional(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static double RequiredDouble(JsonElement e, string name, string path, string json) =>
        Double(e, name) ?? throw Missing($"number '{path}'", json);

    private static long RequiredLong(JsonElement e, string name, string path, string json) =>
        Long(e, name) ?? throw Missing($"whole number '{path}'", json);

    private static double? Double(JsonElement? e, string name)
    {
        if (e is not { } o || !o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number) return null;
        return v.TryGetDouble(out var d) && double.IsFinite(d) ? d
            : throw new LabException(LabCodes.BenchmarkOutput,
                $"Cannot parse iperf3 output: the number {OutputExcerpt.Number(v.GetRawText())} of '{name}' is too large for a double.",
                "import iperf3's -J output unchanged; this number was not written by iperf3.");
    }

    private static long? Long(JsonElement? e, string name) =>
        e is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static int? Int(JsonElement? e, string name) =>
        e is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    private static LabException Missing(string what, string json)
    {
        var excerpt = string.IsNullOrWhiteSpace(json) ? "" : $" Output ends with: {OutputExcerpt.Tail(json)}";
        return new LabException(LabCodes.BenchmarkOutput,
            $"Cannot parse iperf3 output: no {what} found.{excerpt}",
            "run 'iperf3 -c <server> -t <s> -i <s> -J' to completion (iperf3 3.x) and pass its standard output unchanged.");
    }
}
