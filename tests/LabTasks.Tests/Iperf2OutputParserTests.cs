using System.Globalization;
using VirtLab.Iperf;
using VirtLab.Util;

namespace VirtLab.Tests;

public class Iperf2OutputParserTests
{
    private const long KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

    private static string FixtureDir => Path.Combine(AppContext.BaseDirectory, "fixtures", "iperf");

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(FixtureDir, name));

    private static IperfResult ParseFixture(string name) => Iperf2OutputParser.Parse(Fixture(name));

    private static void AssertWithin(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected} ± {relative:P1}, got {actual}");

    /// <summary>iperf prints three significant digits, so bytes × 8 / seconds matches bits/s only to about 1 %.</summary>
    private static void AssertSelfConsistent(IperfResult r)
    {
        AssertWithin(r.Summary.Bytes * 8 / r.Summary.Seconds, r.Summary.BitsPerSecond, 0.02);
        foreach (var i in r.Intervals.Where(i => i.Seconds > 0.5))
            AssertWithin(i.Bytes * 8 / i.Seconds, i.BitsPerSecond, 0.02);
    }

    private static LabException ParseFails(string output, string? standardError = null)
    {
        var e = Assert.Throws<LabException>(() => Iperf2OutputParser.Parse(output, standardError));
        Assert.Equal(LabCodes.BenchmarkOutput, e.Code);
        return e;
    }

    [Fact]
    public void Real_2_1_8_client_run_has_three_intervals_and_the_whole_run_total()
    {
        var r = ParseFixture("iperf-2.1.8-client-i2-t6.txt");

        Assert.Equal("iperf2", r.Tool);
        Assert.Null(r.ToolVersion);
        Assert.Equal("tcp", r.Protocol);
        Assert.Equal("client", r.Role);
        Assert.Null(r.Reverse);
        Assert.Equal(3, r.Intervals.Count);
        Assert.All(r.Intervals, i => Assert.Equal("1", i.StreamId));
        Assert.All(r.Intervals, i => Assert.Null(i.Retransmits));
        Assert.Equal([0.0, 2.0, 4.0], r.Intervals.Select(i => i.StartSeconds));
        Assert.Equal([2.0, 4.0, 6.0], r.Intervals.Select(i => i.EndSeconds));
        Assert.Equal((long)Math.Round(4.88 * GiB), r.Intervals[0].Bytes);
        Assert.Equal(20.9e9, r.Intervals[0].BitsPerSecond, 1);
        Assert.Equal(r.Intervals, r.AggregateIntervals);

        Assert.Equal((long)Math.Round(15.3 * GiB), r.Summary.Bytes);
        Assert.Equal(6.0149, r.Summary.Seconds);
        Assert.Equal(21.8e9, r.Summary.BitsPerSecond, 1);
        Assert.Equal(1, r.Summary.ParallelStreams);
        Assert.False(r.Summary.SummedFromStreams);
        Assert.Equal(16 * KiB, r.Summary.TcpWindowActualBytes);
        Assert.Null(r.Summary.TcpWindowRequestedBytes);
        Assert.Null(r.Summary.Sent);
        Assert.Null(r.Summary.Retransmits);
        Assert.Null(r.Summary.HostCpuTotalPercent);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Window_warning_gives_requested_and_actual_window()
    {
        var r = ParseFixture("iperf-2.1.8-client-w100M-i2-t6.txt");

        Assert.Equal(100 * MiB, r.Summary.TcpWindowRequestedBytes);
        Assert.Equal(8 * MiB, r.Summary.TcpWindowActualBytes);
        Assert.Equal(3, r.Intervals.Count);
        Assert.Equal((long)Math.Round(14.8 * GiB), r.Summary.Bytes);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Parallel_streams_use_the_SUM_total_as_summary()
    {
        var r = ParseFixture("iperf-2.1.8-client-P2-i2-t6.txt");

        Assert.Equal(2, r.Summary.ParallelStreams);
        Assert.False(r.Summary.SummedFromStreams);
        Assert.Equal((long)Math.Round(29.3 * GiB), r.Summary.Bytes);
        Assert.Equal(6.0005, r.Summary.Seconds);
        Assert.Equal(42.0e9, r.Summary.BitsPerSecond, 1);
        Assert.Equal(9, r.Intervals.Count);
        Assert.Equal(3, r.Intervals.Count(i => i.StreamId == "1"));
        Assert.Equal(3, r.Intervals.Count(i => i.StreamId == "2"));
        Assert.Equal(3, r.AggregateIntervals.Count);
        Assert.All(r.AggregateIntervals, i => Assert.True(i.IsSum));
        Assert.Equal(54.4e9, r.AggregateIntervals[2].BitsPerSecond, 1);
        // Each SUM row is the sum of the stream rows of the same interval (to print precision).
        foreach (var sum in r.AggregateIntervals)
            AssertWithin(sum.Bytes, r.Intervals.Where(i => !i.IsSum && i.StartSeconds == sum.StartSeconds).Sum(i => i.Bytes), 0.01);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Classic_2_0_format_from_the_homework_is_parsed()
    {
        var r = ParseFixture("iperf-2.0.5-client-w100M-t100-i2-constructed.txt");

        Assert.Equal(100 * MiB, r.Summary.TcpWindowRequestedBytes);
        Assert.Equal(416 * KiB, r.Summary.TcpWindowActualBytes);
        Assert.Equal(6, r.Intervals.Count);
        Assert.All(r.Intervals, i => Assert.Equal("3", i.StreamId));
        Assert.Equal(10.0, r.Intervals[5].StartSeconds);
        Assert.Equal(12.0, r.Intervals[5].EndSeconds);
        Assert.Equal(909 * MiB, r.Intervals[0].Bytes);
        Assert.Equal(3.81e9, r.Intervals[0].BitsPerSecond, 1);
        Assert.Equal((long)Math.Round(5.70 * GiB), r.Summary.Bytes);
        Assert.Equal(12.8, r.Summary.Seconds);
        Assert.Equal(3.82e9, r.Summary.BitsPerSecond, 1);
        Assert.Equal(1, r.Summary.ParallelStreams);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Server_log_with_several_tests_gives_the_last_test()
    {
        var r = ParseFixture("iperf-2.1.8-server-i2-three-clients.txt");

        Assert.Equal("server", r.Role);
        Assert.Equal(128 * KiB, r.Summary.TcpWindowActualBytes);
        Assert.Null(r.Summary.TcpWindowRequestedBytes);
        Assert.Equal(3, r.Intervals.Count);
        Assert.All(r.Intervals, i => Assert.Equal("4", i.StreamId));
        Assert.Equal((long)Math.Round(14.8 * GiB), r.Summary.Bytes);
        Assert.Equal(6.0008, r.Summary.Seconds);
        Assert.Equal(1, r.Summary.ParallelStreams);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Server_side_parallel_test_with_interleaved_stream_totals()
    {
        var log = Fixture("iperf-2.1.8-server-i2-three-clients.txt");
        var secondTest = log[..log.IndexOf("[  4] local", StringComparison.Ordinal)];

        var r = Iperf2OutputParser.Parse(secondTest);

        Assert.Equal(2, r.Summary.ParallelStreams);
        Assert.Equal((long)Math.Round(29.3 * GiB), r.Summary.Bytes);
        Assert.Equal(5.9997, r.Summary.Seconds);
        Assert.Equal(42.0e9, r.Summary.BitsPerSecond, 1);
        Assert.Equal(9, r.Intervals.Count);
        Assert.Equal(5.9995, r.Intervals.Last(i => i.StreamId == "3").EndSeconds);
        Assert.Equal(4.0, r.Intervals.Last(i => i.StreamId == "3").StartSeconds);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Connect_failed_is_LAB0051_quoting_iperf()
    {
        var e = ParseFails(Fixture("iperf-2.1.8-client-connect-failed.txt"));

        Assert.Contains("'tcp connect failed: Connection refused'", e.Message);
        Assert.Contains("report lines", e.Message);
    }

    [Fact]
    public void Connect_failed_on_standard_error_is_quoted_when_passed_apart()
    {
        var e = ParseFails(Fixture("iperf-2.1.8-client-connect-failed.stdout.txt"),
            Fixture("iperf-2.1.8-client-connect-failed.stderr.txt"));

        Assert.Contains("'tcp connect failed: Connection refused'", e.Message);
    }

    [Fact]
    public void Standard_output_alone_of_a_failed_connect_names_what_is_missing()
    {
        var e = ParseFails(Fixture("iperf-2.1.8-client-connect-failed.stdout.txt"));

        Assert.Contains("report lines", e.Message);
        Assert.DoesNotContain("iperf reported", e.Message);
    }

    [Fact]
    public void Run_cut_short_before_its_total_is_LAB0051()
    {
        var lines = Fixture("iperf-2.1.8-client-i2-t6.txt").TrimEnd('\n').Split('\n');

        var e = ParseFails(string.Join('\n', lines[..^1]) + "\n");

        Assert.Contains("final total line", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("Segmentation fault\n")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("[  3] local 10.1.1.2 port 5001 connected with 10.1.1.1 port 40000\n")]
    public void Empty_or_garbage_is_LAB0051(string output) => ParseFails(output);

    [Fact]
    public void Fractional_window_warning_and_small_units()
    {
        const string output = """
            ------------------------------------------------------------
            Client connecting to 10.1.1.1, TCP port 5001
            TCP window size:  416 KByte (WARNING: requested 95.4 MByte)
            ------------------------------------------------------------
            [  3] local 10.1.1.2 port 49822 connected with 10.1.1.1 port 5001
            [ ID] Interval       Transfer     Bandwidth
            [  3]  0.0- 1.0 sec   112 KBytes   918 Kbits/sec
            [  3]  1.0- 2.0 sec   512 Bytes  4.10 Kbits/sec
            [  3]  2.0- 3.0 sec  1.25 MBytes  10.5 Mbits/sec
            [  3]  3.0- 4.0 sec  0.00 Bytes  0.00 bits/sec
            [  3]  0.0- 4.0 sec  1.36 MBytes  2.85 Mbits/sec
            """;

        var r = Iperf2OutputParser.Parse(output);

        Assert.Equal((long)Math.Round(95.4 * MiB), r.Summary.TcpWindowRequestedBytes);
        Assert.Equal(416 * KiB, r.Summary.TcpWindowActualBytes);
        Assert.Equal(112 * KiB, r.Intervals[0].Bytes);
        Assert.Equal(918e3, r.Intervals[0].BitsPerSecond, 6);
        Assert.Equal(512, r.Intervals[1].Bytes);
        Assert.Equal(4100, r.Intervals[1].BitsPerSecond, 6);
        Assert.Equal(10.5e6, r.Intervals[2].BitsPerSecond, 6);
        Assert.Equal(0, r.Intervals[3].Bytes);
        Assert.Equal((long)Math.Round(1.36 * MiB), r.Summary.Bytes);
        Assert.Equal(2.85e6, r.Summary.BitsPerSecond, 6);
    }

    [Fact]
    public void Granted_window_without_warning_counts_as_requested()
    {
        var output = Fixture("iperf-2.1.8-client-i2-t6.txt").Replace("16.0 KByte (default)", "256 KByte");

        var r = Iperf2OutputParser.Parse(output);

        Assert.Equal(256 * KiB, r.Summary.TcpWindowRequestedBytes);
        Assert.Equal(256 * KiB, r.Summary.TcpWindowActualBytes);
    }

    [Fact]
    public void Streams_without_a_SUM_total_are_added_up()
    {
        const string output = """
            [  4]  0.0-10.0 sec  1.00 GBytes   859 Mbits/sec
            [  3]  0.0-10.1 sec  2.00 GBytes  1.70 Gbits/sec
            """;

        var r = Iperf2OutputParser.Parse(output);

        Assert.True(r.Summary.SummedFromStreams);
        Assert.Equal(2, r.Summary.ParallelStreams);
        Assert.Equal(3 * GiB, r.Summary.Bytes);
        Assert.Equal(10.1, r.Summary.Seconds);
        Assert.Equal(859e6 + 1.70e9, r.Summary.BitsPerSecond, 1);
        Assert.Empty(r.Intervals);
    }

    [Fact]
    public void Tool_version_is_kept_and_crlf_is_accepted()
    {
        var r = Iperf2OutputParser.Parse(Fixture("iperf-2.1.8-client-i2-t6.txt").Replace("\n", "\r\n"), toolVersion: "2.1.8");

        Assert.Equal("2.1.8", r.ToolVersion);
        Assert.Equal(3, r.Intervals.Count);
        Assert.Equal(16 * KiB, r.Summary.TcpWindowActualBytes);
    }

    [Fact]
    public void Parsing_does_not_depend_on_the_current_culture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var r = ParseFixture("iperf-2.0.5-client-w100M-t100-i2-constructed.txt");
            Assert.Equal(12.8, r.Summary.Seconds);
            Assert.Equal(3.82e9, r.Summary.BitsPerSecond, 1);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("iperf version 2.1.8 (12 August 2022) pthreads\n", "2.1.8")]
    [InlineData("iperf version 2.0.5 (08 Jul 2010) pthreads\n", "2.0.5")]
    public void Version_is_read_from_iperf_v(string text, string expected) =>
        Assert.Equal(expected, Iperf2OutputParser.ParseVersion(text));

    [Fact]
    public void Iperf3_version_text_is_not_an_iperf2_version()
    {
        var e = Assert.Throws<LabException>(() => Iperf2OutputParser.ParseVersion("iperf 3.12 (cJSON 1.7.15)"));
        Assert.Equal(LabCodes.BenchmarkOutput, e.Code);
    }
    private static string Terminal(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "terminal", name));

    [Fact]
    public void Homework_run_stopped_with_ctrl_c_is_accepted_as_interrupted_with_its_real_duration()
    {
        var r = Iperf2OutputParser.Parse(Terminal("iperf-2.0.5-client-w100M-t100-i2-ctrl-c-constructed.txt"));

        Assert.True(r.Interrupted);
        Assert.False(r.Suspended);
        Assert.Equal(100, r.RequestedSeconds);
        Assert.Equal(12.8, r.Summary.Seconds);
        Assert.Equal(3.82e9, r.Summary.BitsPerSecond, 1);
        Assert.Equal(6, r.Intervals.Count);
    }

    [Fact]
    public void Real_ctrl_c_through_a_terminal_is_accepted_as_interrupted()
    {
        var r = Iperf2OutputParser.Parse(Terminal("iperf-2.1.8-client-t100-i2-ctrl-c-pty.txt"));

        Assert.True(r.Interrupted);
        Assert.Null(r.RequestedSeconds);
        Assert.Equal(12.4259, r.Summary.Seconds);
        AssertWithin(19.1 * GiB, r.Summary.Bytes, 0.001);
        Assert.Equal(6, r.Intervals.Count);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void A_recorded_session_with_ctrl_z_fg_and_ctrl_c_is_interrupted_and_suspended()
    {
        var r = Iperf2OutputParser.Parse(Terminal("iperf-2.1.8-client-t100-i2-session-ctrl-z-fg-ctrl-c.txt"));

        Assert.True(r.Interrupted);
        Assert.True(r.Suspended);
        Assert.Equal(100, r.RequestedSeconds);
        Assert.Equal(14.1191, r.Summary.Seconds);
        Assert.Equal(7, r.Intervals.Count);
        Assert.Equal(4 * MiB, r.Summary.TcpWindowActualBytes);
    }

    [Fact]
    public void Sigint_without_a_terminal_is_interrupted_only_when_the_command_line_shows_a_longer_t()
    {
        var output = Terminal("iperf-2.1.8-client-t100-i2-sigint.txt");

        var bare = Iperf2OutputParser.Parse(output);
        var withPrompt = Iperf2OutputParser.Parse("student@lab-pc:~$ iperf -c 127.0.0.1 -t 100 -i 2\n" + output);

        Assert.False(bare.Interrupted);
        Assert.Equal(12.5351, bare.Summary.Seconds);
        Assert.True(withPrompt.Interrupted);
        Assert.Equal(12.5351, withPrompt.Summary.Seconds);
    }

    [Fact]
    public void Complete_runs_are_not_interrupted_even_with_a_ctrl_c_at_the_prompt_afterwards()
    {
        var t7 = Iperf2OutputParser.Parse("$ iperf -c 127.0.0.1 --time 7 -i 2\n" + Terminal("iperf-2.1.8-client-t7-i2.txt"));
        var t6 = Iperf2OutputParser.Parse("$ iperf -c 127.0.0.1 -i 2 -t 6\n" + Fixture("iperf-2.1.8-client-i2-t6.txt") + "$ ^C\n$ exit\n");

        Assert.False(t7.Interrupted);
        Assert.Equal(7, t7.RequestedSeconds);
        Assert.Equal(7.0141, t7.Summary.Seconds);
        Assert.False(t6.Interrupted);
        Assert.Equal(6.0149, t6.Summary.Seconds);
    }

    [Fact]
    public void Windows_line_ends_parse_like_the_original()
    {
        var crlf = Iperf2OutputParser.Parse(Terminal("iperf-2.1.8-client-i2-t6-crlf-constructed.txt"));
        var lf = ParseFixture("iperf-2.1.8-client-i2-t6.txt");

        Assert.Equal(lf.Summary, crlf.Summary);
        Assert.Equal(lf.Intervals, crlf.Intervals);
    }

    [Theory]
    [InlineData("[  1] 0.0000-2.0000 sec  {0} GBytes  20.9 Gbits/sec")]
    [InlineData("[  1] 0.0000-2.0000 sec  4.88 GBytes  {0} Gbits/sec")]
    [InlineData("[  1] 0.0000-{0} sec  4.88 GBytes  20.9 Gbits/sec")]
    public void A_number_too_large_for_a_double_is_LAB0051(string line)
    {
        var huge = "9" + new string('0', 400);

        var e = ParseFails(string.Format(CultureInfo.InvariantCulture, line, huge) + "\n");

        Assert.Contains("too large", e.Message);
    }

    [Fact]
    public void A_failure_message_quoting_the_output_is_one_line()
    {
        var lines = Fixture("iperf-2.1.8-client-i2-t6.txt").TrimEnd('\n').Split('\n');

        var e = ParseFails(string.Join("\r\n", lines[..^1]) + "\r\n");

        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        Assert.Contains("4.0000-6.0000 sec", e.Message);
    }
}
