using System.Net;
using VirtLab.Iperf;
using VirtLab.Util;

namespace VirtLab.Tests;

public class IperfCommandTests
{
    private static readonly IPAddress Server = IPAddress.Parse("10.1.1.1");

    private static void AssertBad(Func<IperfCommand> create)
    {
        var e = Assert.Throws<LabException>(() => create());
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.NotNull(e.Fix);
    }

    [Fact]
    public void Iperf2_client_as_in_the_homework()
    {
        var c = IperfCommand.Iperf2Client(Server, 100, 2, window: "100M");

        Assert.Equal("iperf", c.Program);
        Assert.Equal(["-c", "10.1.1.1", "-t", "100", "-i", "2", "-w", "100M"], c.Arguments);
        Assert.Equal("iperf -c 10.1.1.1 -t 100 -i 2 -w 100M", c.ToShellString());
    }

    [Fact]
    public void Iperf2_client_with_streams_port_and_half_second_interval()
    {
        var c = IperfCommand.Iperf2Client(Server, 30, 0.5, streams: 4, port: 5002);

        Assert.Equal(["-c", "10.1.1.1", "-t", "30", "-i", "0.5", "-P", "4", "-p", "5002"], c.Arguments);
    }

    [Fact]
    public void Empty_window_keeps_the_kernel_default()
    {
        var c = IperfCommand.Iperf2Client(Server, 10, 1, window: "");

        Assert.Equal(["-c", "10.1.1.1", "-t", "10", "-i", "1"], c.Arguments);
    }

    [Fact]
    public void Iperf2_client_to_IPv6_adds_V()
    {
        var c = IperfCommand.Iperf2Client(IPAddress.Parse("fd00::1"), 10, 1);

        Assert.Equal(["-c", "fd00::1", "-t", "10", "-i", "1", "-V"], c.Arguments);
    }

    [Fact]
    public void Iperf2_server()
    {
        Assert.Equal(["-s"], IperfCommand.Iperf2Server().Arguments);
        Assert.Equal(["-s", "-p", "5002"], IperfCommand.Iperf2Server(5002).Arguments);
    }

    [Fact]
    public void Iperf3_client_always_asks_for_JSON()
    {
        var c = IperfCommand.Iperf3Client(Server, 6, 2);

        Assert.Equal("iperf3", c.Program);
        Assert.Equal(["-c", "10.1.1.1", "-t", "6", "-i", "2", "-J"], c.Arguments);
    }

    [Fact]
    public void Iperf3_client_with_everything()
    {
        var c = IperfCommand.Iperf3Client(Server, 60, 0.5, window: "256K", streams: 2, reverse: true, port: 5202);

        Assert.Equal(["-c", "10.1.1.1", "-t", "60", "-i", "0.5", "-w", "256K", "-P", "2", "-R", "-J", "-p", "5202"], c.Arguments);
    }

    [Fact]
    public void Iperf3_server_modes()
    {
        Assert.Equal(["-s", "-1"], IperfCommand.Iperf3Server().Arguments);
        Assert.Equal(["-s", "-D"], IperfCommand.Iperf3Server(Iperf3ServerMode.Daemon).Arguments);
        Assert.Equal(["-s", "-D", "-I", "/run/iperf3.pid", "-p", "5202"],
            IperfCommand.Iperf3Server(Iperf3ServerMode.Daemon, 5202, "/run/iperf3.pid").Arguments);
    }

    [Fact]
    public void Pid_file_needs_daemon_mode() =>
        AssertBad(() => IperfCommand.Iperf3Server(Iperf3ServerMode.OneOff, pidFile: "/run/iperf3.pid"));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3601)]
    public void Bad_duration_is_LAB0002(int seconds)
    {
        AssertBad(() => IperfCommand.Iperf2Client(Server, seconds, 1));
        AssertBad(() => IperfCommand.Iperf3Client(Server, seconds, 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3600)]
    public void Duration_bounds_are_accepted(int seconds) =>
        Assert.Equal(seconds.ToString(), IperfCommand.Iperf2Client(Server, seconds, 1).Arguments[3]);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.09)]
    [InlineData(60.5)]
    [InlineData(-2)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Bad_interval_is_LAB0002(double interval)
    {
        AssertBad(() => IperfCommand.Iperf2Client(Server, 10, interval));
        AssertBad(() => IperfCommand.Iperf3Client(Server, 10, interval));
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(60, "60")]
    [InlineData(1.25, "1.25")]
    public void Interval_is_written_in_invariant_culture(double interval, string expected)
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(expected, IperfCommand.Iperf3Client(Server, 10, interval).Arguments[5]);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0K")]
    [InlineData("100m")]
    [InlineData("1.5M")]
    [InlineData("100MB")]
    [InlineData("-100M")]
    [InlineData("100M\n")]
    [InlineData("100M; reboot")]
    [InlineData("$(reboot)")]
    public void Bad_window_is_LAB0002(string window)
    {
        AssertBad(() => IperfCommand.Iperf2Client(Server, 10, 1, window));
        AssertBad(() => IperfCommand.Iperf3Client(Server, 10, 1, window));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void Bad_stream_count_is_LAB0002(int streams)
    {
        AssertBad(() => IperfCommand.Iperf2Client(Server, 10, 1, streams: streams));
        AssertBad(() => IperfCommand.Iperf3Client(Server, 10, 1, streams: streams));
    }

    [Fact]
    public void Sixty_four_streams_are_accepted() =>
        Assert.Contains("64", IperfCommand.Iperf3Client(Server, 10, 1, streams: 64).Arguments);

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    [InlineData(-5001)]
    public void Bad_port_is_LAB0002(int port)
    {
        AssertBad(() => IperfCommand.Iperf2Client(Server, 10, 1, port: port));
        AssertBad(() => IperfCommand.Iperf2Server(port));
        AssertBad(() => IperfCommand.Iperf3Server(port: port));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("255.255.255.255")]
    public void Unconnectable_address_is_LAB0002(string address) =>
        AssertBad(() => IperfCommand.Iperf2Client(IPAddress.Parse(address), 10, 1));

    [Fact]
    public void Null_address_is_LAB0002() => AssertBad(() => IperfCommand.Iperf3Client(null!, 10, 1));

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("-s")]
    [InlineData("/run/a\0b")]
    public void Bad_pid_file_is_LAB0002(string pidFile) =>
        AssertBad(() => IperfCommand.Iperf3Server(Iperf3ServerMode.Daemon, pidFile: pidFile));

    [Fact]
    public void Hostile_program_path_is_single_quoted()
    {
        var c = IperfCommand.Iperf3Client(Server, 6, 2, program: "/opt/x y/iperf3'; rm -rf / #");

        Assert.Equal(@"'/opt/x y/iperf3'\''; rm -rf / #' -c 10.1.1.1 -t 6 -i 2 -J", c.ToShellString());
    }

    [Fact]
    public void Hostile_pid_file_is_single_quoted()
    {
        var c = IperfCommand.Iperf3Server(Iperf3ServerMode.Daemon, pidFile: "/tmp/$(reboot)`id`'x'.pid");

        Assert.Equal(@"iperf3 -s -D -I '/tmp/$(reboot)`id`'\''x'\''.pid'", c.ToShellString());
    }

    [Fact]
    public void Plain_commands_need_no_quotes()
    {
        Assert.Equal("iperf3 -c fd00::1 -t 10 -i 0.5 -P 2 -R -J -p 5201",
            IperfCommand.Iperf3Client(IPAddress.Parse("fd00::1"), 10, 0.5, streams: 2, reverse: true, port: 5201).ToShellString());
        Assert.Equal("iperf3 -s -1", IperfCommand.Iperf3Server().ToShellString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("ip\0erf")]
    public void Bad_program_is_LAB0002(string program) =>
        AssertBad(() => IperfCommand.Iperf2Server(program: program));
}
