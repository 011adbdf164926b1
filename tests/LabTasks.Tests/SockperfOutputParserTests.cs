using System.Globalization;
using VirtLab.Sockperf;
using VirtLab.Util;

namespace VirtLab.Tests;

public class SockperfOutputParserTests
{
    private static string FixtureDir => Path.Combine(AppContext.BaseDirectory, "fixtures", "sockperf");

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(FixtureDir, name));

    private static SockperfResult ParseFixture(string name) => SockperfOutputParser.Parse(Fixture(name));

    private static LabException Fails(string output, string code)
    {
        var e = Assert.Throws<LabException>(() => SockperfOutputParser.Parse(output));
        Assert.Equal(code, e.Code);
        Assert.NotNull(e.Fix);
        return e;
    }

    private static void AssertWithin(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected} ± {relative:P1}, got {actual}");

    [Fact]
    public void Real_3_7_round_trip_run_gives_every_printed_value()
    {
        var r = ParseFixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt.txt");

        Assert.Equal("3.7", r.ToolVersion);
        Assert.True(r.RoundTrip);
        Assert.Equal(31.877, r.AverageUs);
        Assert.Equal(186.250, r.StdDevUs);
        Assert.Equal(121948, r.Observations);
        Assert.Equal(22373.152, r.MaxUs);
        Assert.Equal(21302.104, r.P99999Us);
        Assert.Equal(5317.000, r.P9999Us);
        Assert.Equal(2860.775, r.P999Us);
        Assert.Equal(59.061, r.P99Us);
        Assert.Equal(26.881, r.P90Us);
        Assert.Equal(25.327, r.P75Us);
        Assert.Equal(23.734, r.P50Us);
        Assert.Equal(22.012, r.P25Us);
        Assert.Equal(16.962, r.MinUs);
        Assert.Equal(3.900, r.ValidRunTimeSeconds);
        Assert.Equal(121948, r.ValidReceivedMessages);
        Assert.Equal(0, r.DroppedMessages);
        Assert.Equal(0, r.DuplicatedMessages);
        Assert.Equal(0, r.OutOfOrderMessages);
        // One message in flight: round trips per second ≈ 1 s / average round trip.
        AssertWithin(1e6 / r.AverageUs, r.RoundTripsPerSecond!.Value, 0.01);
    }

    [Fact]
    public void Real_3_7_run_without_full_rtt_is_one_way_latency()
    {
        var r = ParseFixture("sockperf-3.7-pp-tcp-m14-t5-one-way.txt");

        Assert.False(r.RoundTrip);
        Assert.Equal(17.800, r.AverageUs);
        Assert.Equal(101.504, r.StdDevUs);
        Assert.Equal(109115, r.Observations);
        Assert.Equal(11.000, r.P50Us);
        Assert.Equal(32.355, r.P99Us);
        Assert.Equal(1887.835, r.P999Us);
        Assert.Equal(8.390, r.MinUs);
        Assert.Equal(3906.284, r.MaxUs);
        // Each one-way value is half a round trip, so the rate is 1 s / (2 × average).
        AssertWithin(1e6 / (2 * r.AverageUs), r.RoundTripsPerSecond!.Value, 0.01);
    }

    [Fact]
    public void Real_3_7_run_with_1024_byte_messages()
    {
        var r = ParseFixture("sockperf-3.7-pp-tcp-m1024-t5-full-rtt.txt");

        Assert.True(r.RoundTrip);
        Assert.Equal(29.000, r.AverageUs);
        Assert.Equal(134192, r.Observations);
        Assert.Equal(18.164, r.P50Us);
        Assert.Equal(44.092, r.P99Us);
        Assert.Equal(3613.046, r.P999Us);
        Assert.Equal(16.321, r.MinUs);
        Assert.Equal(5479.255, r.MaxUs);
    }

    [Fact]
    public void Real_3_7_run_timed_with_the_TSC_keeps_more_of_the_run()
    {
        var rdtsc = ParseFixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt-rdtsc.txt");
        var clock = ParseFixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt.txt");

        Assert.Equal(160859, rdtsc.Observations);
        Assert.Equal(4.550, rdtsc.ValidRunTimeSeconds);
        Assert.Equal(28.250, rdtsc.AverageUs);
        // The fixtures README explains the longer warm-up cut with --no-rdtsc.
        Assert.True(clock.ValidRunTimeSeconds < rdtsc.ValidRunTimeSeconds);
    }

    [Fact]
    public void Constructed_3_10_layout_gives_the_same_result_as_the_3_7_run_it_was_built_from()
    {
        var v37 = ParseFixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt-full-log.txt");
        var v310 = ParseFixture("sockperf-3.10-pp-tcp-m14-t5-full-rtt-constructed.txt");

        Assert.Equal("3.10", v310.ToolVersion);
        Assert.Equal(v37 with { ToolVersion = "3.10" }, v310);
        Assert.Equal(50.620, v310.AverageUs);
        Assert.Equal(339.590, v310.StdDevUs);
        Assert.Equal(76865, v310.Observations);
        Assert.Equal(1018.811, v310.P99Us);
        Assert.Equal(15.720, v310.MinUs);
    }

    public static TheoryData<string> ResultFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(FixtureDir, "sockperf-*-pp-tcp-*.txt").Order())
        {
            var text = File.ReadAllText(path);
            if (text.Contains("<MAX> observation", StringComparison.Ordinal)) data.Add(Path.GetFileName(path));
        }
        return data;
    }

    [Fact]
    public void Six_fixtures_hold_results() => Assert.Equal(6, ResultFixtures().Count);

    [Theory]
    [MemberData(nameof(ResultFixtures))]
    public void Every_result_fixture_parses_to_ordered_percentiles(string name)
    {
        var r = ParseFixture(name);

        Assert.StartsWith($"sockperf-{r.ToolVersion}-", name);
        Assert.Equal(!name.Contains("one-way"), r.RoundTrip);
        Assert.True(r.Observations > 0);
        Assert.Equal(r.Observations, r.ValidReceivedMessages);
        double[] ordered = [r.MinUs, r.P25Us!.Value, r.P50Us, r.P75Us, r.P90Us, r.P99Us, r.P999Us, r.P9999Us, r.P99999Us, r.MaxUs];
        Assert.Equal(ordered.Order(), ordered);
        Assert.InRange(r.AverageUs, r.MinUs, r.MaxUs);
        Assert.True(r.MinUs > 0);
    }

    [Fact]
    public void Windows_line_endings_missing_colours_and_a_comma_decimal_culture_change_nothing()
    {
        var text = Fixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt.txt");
        var expected = SockperfOutputParser.Parse(text);

        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal(expected, SockperfOutputParser.Parse(text.Replace("\n", "\r\n")));
            Assert.Equal(expected, SockperfOutputParser.Parse(text.Replace("\u001b[2;35m", "").Replace("\u001b[0m", "")));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Without_a_Summary_line_the_avg_line_gives_average_and_kind()
    {
        // sockperf skips the Summary line when the average prints as 0.
        var text = Fixture("sockperf-3.7-pp-tcp-m14-t5-one-way.txt").Replace("sockperf: Summary: Latency is 17.800 usec\n", "");

        var r = SockperfOutputParser.Parse(text);

        Assert.False(r.RoundTrip);
        Assert.Equal(17.800, r.AverageUs);
    }

    [Fact]
    public void A_burst_summary_is_read_too()
    {
        var text = Fixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt.txt")
            .Replace("Summary: Round trip is 31.877 usec", "Summary: Round trip of burst of 4 messages is 31.877 usec");

        Assert.Equal(31.877, SockperfOutputParser.Parse(text).AverageUs);
    }

    [Fact]
    public void Summary_and_avg_line_that_disagree_on_the_kind_are_LAB0051()
    {
        var text = Fixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt.txt").Replace("avg-rtt=", "avg-latency=");

        var e = Fails(text, LabCodes.BenchmarkOutput);
        Assert.Contains("disagree", e.Message);
    }

    [Theory]
    [InlineData("sockperf-3.7-pp-tcp-connection-refused.txt", "ERROR: Can`t connect socket (errno=111 Connection refused)")]
    [InlineData("sockperf-3.7-pp-tcp-m65508-closed-by-server.txt", "ERROR: A connection was forcibly closed by a peer (errno=0 Success)")]
    [InlineData("sockperf-3.7-pp-tcp-m13-invalid.txt", "'-m' Invalid message size: 13 (min: 14)")]
    [InlineData("sockperf-3.7-pp-tcp-m14-t1-no-valid-observations.txt", "No valid observations found. Try tune parameters: --time/--mps/--reply-every")]
    [InlineData("sockperf-3.7-server-tcp.txt", "ERROR: Message received was larger than expected, message ignored. (errno=0 Success)")]
    public void A_failure_sockperf_reports_is_LAB0050_with_its_message(string name, string message)
    {
        var e = Fails(Fixture(name), LabCodes.Benchmark);

        Assert.Equal($"sockperf failed: {message}", e.Message);
    }

    [Fact]
    public void No_reply_from_the_server_is_LAB0050()
    {
        var text = Fixture("sockperf-3.7-pp-tcp-m14-t1-no-valid-observations.txt")
            .Replace("sockperf: No valid observations found. Try tune parameters: --time/--mps/--reply-every",
                "sockperf: No messages were received from the server. Is the server down?");

        var e = Fails(text, LabCodes.Benchmark);
        Assert.Contains("Is the server down?", e.Message);
        Assert.Contains("sockperf server --tcp", e.Fix);
    }

    [Fact]
    public void An_error_amid_complete_statistics_still_fails_the_run()
    {
        var text = Fixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt.txt")
            + "IP = 127.0.0.1       PORT = 11111 # TCP sockperf: ERROR: A connection was forcibly closed by a peer (errno=0 Success)\n";

        Fails(text, LabCodes.Benchmark);
    }

    [Fact]
    public void The_server_log_has_no_statistics()
    {
        var text = string.Join('\n', Fixture("sockperf-3.7-server-tcp.txt").Split('\n').Where(l => !l.Contains("ERROR")));

        var e = Fails(text, LabCodes.BenchmarkOutput);
        Assert.Contains("Summary", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("hello world")]
    [InlineData("sockperf: == version #3.7-no.git == \nsockperf: Starting test...\n")]
    [InlineData("sockperf: Summary: Round trip is 25.794 usec\nsockperf: Total 98674 observations\n")]
    [InlineData("\u0000\u0001\u00ff\ufffd garbage \u0007")]
    public void Garbage_is_LAB0051(string text)
    {
        var e = Fails(text, LabCodes.BenchmarkOutput);
        Assert.StartsWith("Cannot parse sockperf output: no ", e.Message);
    }

    [Fact]
    public void Truncated_output_names_the_missing_line()
    {
        var full = Fixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt.txt");
        var truncated = full[..full.IndexOf("sockperf: ---> percentile 50.000", StringComparison.Ordinal)];

        var e = Fails(truncated, LabCodes.BenchmarkOutput);
        Assert.Contains("no '---> percentile 50.000 = …' line", e.Message);
    }

    [Fact]
    public void Round_trip_run_becomes_the_agreed_records()
    {
        var r = ParseFixture("sockperf-3.7-pp-tcp-m14-t5-full-rtt.txt");
        var time = new DateTimeOffset(2026, 11, 29, 8, 30, 0, TimeSpan.Zero);
        var labels = new Dictionary<string, string> { ["experiment"] = "net", ["nic"] = "virtio", ["message_size"] = "14", ["tool"] = "caller" };

        var records = SockperfRecords.From(r, labels, time).ToList();

        (string, double, string)[] expected =
            [
                ("tcp_rr_latency_p50", 23.734, "us"), ("tcp_rr_latency_p99", 59.061, "us"), ("tcp_rr_latency_p999", 2860.775, "us"),
                ("tcp_rr_latency_avg", 31.877, "us"), ("tcp_rr_latency_min", 16.962, "us"), ("tcp_rr_latency_max", 22373.152, "us"),
                ("tcp_rr_observations", 121948.0, "count"),
            ];
        Assert.Equal(expected, records.Select(x => (x.Metric, x.Value!.Value, x.Unit)));
        foreach (var record in records)
        {
            Assert.Equal(time, record.Time);
            Assert.Equal("sockperf", record.Label("tool"));
            Assert.Equal("3.7", record.Label("tool_version"));
            Assert.Equal("round-trip", record.Label("latency"));
            Assert.Equal("virtio", record.Label("nic"));
            Assert.Equal("14", record.Label("message_size"));
            Assert.Equal(6, record.Labels.Count);
        }
        Assert.Equal("caller", labels["tool"]);
    }

    [Fact]
    public void One_way_run_is_labelled_one_way()
    {
        var r = ParseFixture("sockperf-3.7-pp-tcp-m14-t5-one-way.txt");

        var records = SockperfRecords.From(r, new Dictionary<string, string>(), DateTimeOffset.UnixEpoch).ToList();

        Assert.All(records, x => Assert.Equal("one-way", x.Label("latency")));
        Assert.Equal(11.000, records.Single(x => x.Metric == "tcp_rr_latency_p50").Value);
    }
}
