using VirtLab.Iperf;
using VirtLab.Util;

namespace VirtLab.Tests;

public class Iperf3JsonParserTests
{
    private static string FixtureDir => Path.Combine(AppContext.BaseDirectory, "fixtures", "iperf");

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(FixtureDir, name));

    private static IperfResult ParseFixture(string name) => Iperf3JsonParser.Parse(Fixture(name));

    private static void AssertWithin(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected} ± {relative:P1}, got {actual}");

    private static void AssertSelfConsistent(IperfResult r)
    {
        AssertWithin(r.Summary.Bytes * 8 / r.Summary.Seconds, r.Summary.BitsPerSecond, 0.02);
        AssertWithin(r.Summary.Sent!.Bytes * 8 / r.Summary.Sent.Seconds, r.Summary.Sent.BitsPerSecond, 0.02);
        foreach (var i in r.Intervals)
            AssertWithin(i.Bytes * 8 / i.Seconds, i.BitsPerSecond, 0.02);
        // The interval rows add up to the sender's total.
        AssertWithin(r.Summary.Sent.Bytes, r.AggregateIntervals.Sum(i => i.Bytes), 0.02);
    }

    private static LabException ParseFails(string json)
    {
        var e = Assert.Throws<LabException>(() => Iperf3JsonParser.Parse(json));
        Assert.Equal(LabCodes.BenchmarkOutput, e.Code);
        return e;
    }

    [Fact]
    public void Real_3_12_client_run_gives_sender_and_receiver_totals()
    {
        var r = ParseFixture("iperf3-3.12-client-t6-i2.json");

        Assert.Equal("iperf3", r.Tool);
        Assert.Equal("3.12", r.ToolVersion);
        Assert.Equal("tcp", r.Protocol);
        Assert.Equal("client", r.Role);
        Assert.False(r.Reverse);
        Assert.Equal(32768, r.TcpMssDefaultBytes);
        Assert.Equal(16384, r.SendBufferActualBytes);
        Assert.Equal(131072, r.ReceiveBufferActualBytes);

        Assert.Equal(6, r.Intervals.Count); // one stream row and one sum row per interval
        var sums = r.AggregateIntervals;
        Assert.Equal(3, sums.Count);
        Assert.Equal(0, sums[0].StartSeconds);
        Assert.Equal(2.000308, sums[0].EndSeconds);
        Assert.Equal(6525943808, sums[0].Bytes);
        Assert.Equal(26099755389.379738, sums[0].BitsPerSecond);
        Assert.Equal(4, sums[0].Retransmits);
        Assert.Equal([4, 0, 8], sums.Select(i => i.Retransmits!.Value));
        Assert.All(r.Intervals.Where(i => !i.IsSum), i => Assert.Equal("5", i.StreamId));

        var s = r.Summary;
        Assert.Equal(new IperfTotals(18228051968, 6.001058, 24299784428.679077, 12), s.Sent);
        Assert.Equal(new IperfTotals(18226741248, 6.003374, 24288663338.98238, null), s.Received);
        Assert.Equal(18226741248, s.Bytes);
        Assert.Equal(6.003374, s.Seconds);
        Assert.Equal(24288663338.98238, s.BitsPerSecond);
        Assert.Equal(12, s.Retransmits);
        Assert.Equal(1, s.ParallelStreams);
        Assert.Null(s.TcpWindowRequestedBytes);
        Assert.Equal(16384, s.TcpWindowActualBytes);
        Assert.Equal(54.072168201426365, s.HostCpuTotalPercent);
        Assert.Equal(55.43687997510739, s.RemoteCpuTotalPercent);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Reverse_run_is_flagged_and_the_client_window_is_its_receive_buffer()
    {
        var r = ParseFixture("iperf3-3.12-client-t6-i2-R.json");

        Assert.True(r.Reverse);
        Assert.Equal(3, r.AggregateIntervals.Count);
        Assert.Equal([6030753792, 6128664576, 5933891584], r.AggregateIntervals.Select(i => i.Bytes));
        // The client received, so it has no retransmit counts per interval; the server's come in sum_sent.
        Assert.All(r.Intervals, i => Assert.Null(i.Retransmits));
        Assert.Equal(6, r.Summary.Retransmits);
        Assert.Equal(18093309952, r.Summary.Bytes);
        Assert.Equal(18097111040, r.Summary.Sent!.Bytes);
        Assert.Equal(131072, r.Summary.TcpWindowActualBytes);
        Assert.Equal(58.61211616505704, r.Summary.HostCpuTotalPercent);
        Assert.Equal(39.35187913400993, r.Summary.RemoteCpuTotalPercent);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Parallel_streams_have_per_stream_rows_that_add_up_to_the_sum()
    {
        var r = ParseFixture("iperf3-3.12-client-t6-i2-P2.json");

        Assert.Equal(2, r.Summary.ParallelStreams);
        Assert.Equal(9, r.Intervals.Count);
        Assert.Equal(["5", "7"], r.Intervals.Where(i => !i.IsSum).Select(i => i.StreamId).Distinct().Order());
        Assert.Equal([6178603008, 6183976960, 6052904960], r.AggregateIntervals.Select(i => i.Bytes));
        // Rows come per interval as stream 5, stream 7, sum (stream start times differ from the sum's in the last digits).
        foreach (var row in r.Intervals.Chunk(3))
            Assert.Equal(row[2].Bytes, row[0].Bytes + row[1].Bytes);
        Assert.Equal(18415484928, r.Summary.Sent!.Bytes);
        Assert.Equal(18406047744, r.Summary.Received!.Bytes);
        Assert.Equal(0, r.Summary.Retransmits);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Requested_window_comes_from_sock_bufsize()
    {
        var r = ParseFixture("iperf3-3.12-client-t6-i2-w256K.json");

        Assert.Equal(256 * 1024, r.Summary.TcpWindowRequestedBytes);
        Assert.Equal(512 * 1024, r.Summary.TcpWindowActualBytes);
        Assert.Equal(512 * 1024, r.ReceiveBufferActualBytes);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void Error_key_is_LAB0051_with_iperf3s_text()
    {
        var e = ParseFails(Fixture("iperf3-3.12-client-connect-refused.json"));

        Assert.Contains("'unable to connect to server: Connection refused'", e.Message);
    }

    [Fact]
    public void Error_key_wins_even_when_results_are_present()
    {
        var json = Fixture("iperf3-3.12-client-t6-i2.json").TrimEnd().TrimEnd('}') + ",\n\t\"error\": \"interrupt - the client has terminated\"\n}";

        var e = ParseFails(json);

        Assert.Contains("interrupt - the client has terminated", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData("[1, 2]")]
    [InlineData("{\"start\": {}, \"intervals\": []}")]
    [InlineData("{\"start\": {}, \"intervals\": [], \"end\": {}}")]
    [InlineData("{\"start\": {}, \"end\": {\"sum_sent\": {\"bytes\": 1, \"seconds\": 1}, \"sum_received\": {\"bytes\": 1, \"seconds\": 1, \"bits_per_second\": 8}}}")]
    public void Missing_parts_are_LAB0051(string json) => ParseFails(json);

    [Fact]
    public void Missing_sum_received_is_named()
    {
        var e = ParseFails("{\"start\": {}, \"end\": {\"sum_sent\": {\"bytes\": 1, \"seconds\": 1, \"bits_per_second\": 8}}}");

        Assert.Contains("'end.sum_received'", e.Message);
    }

    [Fact]
    public void Plain_text_output_is_LAB0051_quoting_iperf3()
    {
        var e = ParseFails("iperf3: error - unable to connect to server: Connection refused\n");

        Assert.Contains("not JSON", e.Message);
        Assert.Contains("'iperf3: error - unable to connect to server: Connection refused'", e.Message);
    }

    [Fact]
    public void Udp_test_is_refused()
    {
        var json = Fixture("iperf3-3.12-client-t6-i2.json").Replace("\"protocol\":\t\"TCP\"", "\"protocol\":\t\"UDP\"");

        var e = ParseFails(json);

        Assert.Contains("TCP test", e.Message);
    }
    [Theory]
    [InlineData("\"bits_per_second\":\t24288663338.98238", "\"bits_per_second\":\t1e400")]
    [InlineData("\"bits_per_second\":\t24288663338.98238", "\"bits_per_second\":\t-1e400")]
    [InlineData("\"seconds\":\t6.001058", "\"seconds\":\t1e999")]
    public void A_number_too_large_for_a_double_is_LAB0051(string value, string huge)
    {
        var json = Fixture("iperf3-3.12-client-t6-i2.json");
        Assert.Contains(value, json);

        var e = ParseFails(json.Replace(value, huge));

        Assert.Contains("too large", e.Message);
    }

    [Fact]
    public void A_failure_message_quoting_the_output_is_one_line()
    {
        var e = ParseFails("{\r\n\t\"start\": {\r\n\t\t\"connected\": [\r\n");

        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
    }
    private static string Terminal(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "terminal", name));

    [Fact]
    public void A_recorded_shell_session_around_the_JSON_is_parsed()
    {
        var r = Iperf3JsonParser.Parse(Terminal("iperf3-3.12-client-t2-i1-session.txt"));

        Assert.Equal("3.12", r.ToolVersion);
        Assert.Equal(2569011200, r.Summary.Bytes);
        Assert.Equal(2.002952, r.Summary.Seconds);
        Assert.Equal(10260899712.025051, r.Summary.BitsPerSecond, 3);
        AssertSelfConsistent(r);
    }

    [Fact]
    public void A_run_stopped_with_ctrl_c_is_LAB0051_saying_it_was_interrupted()
    {
        var e = ParseFails(Terminal("iperf3-3.12-client-t100-i1-session-ctrl-c.txt"));

        Assert.Contains("interrupted (Ctrl+C)", e.Message);
        Assert.Contains("interrupt - the client has terminated", e.Message);
        Assert.Contains("to the end", e.Fix);
    }
}
