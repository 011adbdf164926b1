using System.Net;
using VirtLab.Sockperf;
using VirtLab.Util;

namespace VirtLab.Tests;

public class SockperfCommandTests
{
    private static readonly IPAddress Server = IPAddress.Parse("10.1.1.1");

    private static LabException AssertBad(Func<SockperfCommand> create)
    {
        var e = Assert.Throws<LabException>(() => create());
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.NotNull(e.Fix);
        return e;
    }

    [Fact]
    public void Ping_pong_client_measures_round_trips_with_the_monotonic_clock()
    {
        var c = SockperfCommand.PingPong(Server, 10, 64);

        Assert.Equal("sockperf", c.Program);
        Assert.Equal(["ping-pong", "--tcp", "-i", "10.1.1.1", "-p", "11111", "-t", "10", "-m", "64", "--full-rtt", "--no-rdtsc"], c.Arguments);
        Assert.Equal("sockperf ping-pong --tcp -i 10.1.1.1 -p 11111 -t 10 -m 64 --full-rtt --no-rdtsc", c.ToShellString());
    }

    [Fact]
    public void Ping_pong_client_without_full_rtt_and_on_another_port()
    {
        var c = SockperfCommand.PingPong(Server, 5, 1024, port: 12000, fullRtt: false, program: "/usr/bin/sockperf");

        Assert.Equal("/usr/bin/sockperf", c.Program);
        Assert.Equal(["ping-pong", "--tcp", "-i", "10.1.1.1", "-p", "12000", "-t", "5", "-m", "1024", "--no-rdtsc"], c.Arguments);
    }

    [Fact]
    public void Server_runs_in_the_foreground()
    {
        var c = SockperfCommand.Server(Server);

        Assert.Equal(["server", "--tcp", "-i", "10.1.1.1", "-p", "11111"], c.Arguments);
        Assert.DoesNotContain("--daemonize", c.Arguments);
        Assert.Equal("sockperf server --tcp -i 10.1.1.1 -p 11111", c.ToShellString());
        Assert.Equal(["server", "--tcp", "-i", "0.0.0.0", "-p", "5001"], SockperfCommand.Server(IPAddress.Any, 5001).Arguments);
    }

    [Fact]
    public void The_fixture_commands_are_what_the_builder_makes()
    {
        // tests/fixtures/sockperf/README.md records these as the captured commands.
        var loopback = IPAddress.Loopback;
        Assert.Equal("sockperf ping-pong --tcp -i 127.0.0.1 -p 11111 -t 5 -m 14 --full-rtt --no-rdtsc",
            SockperfCommand.PingPong(loopback, 5, 14).ToShellString());
        Assert.Equal("sockperf server --tcp -i 127.0.0.1 -p 11111", SockperfCommand.Server(loopback).ToShellString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3601)]
    public void Bad_duration_is_LAB0002(int seconds)
    {
        var e = AssertBad(() => SockperfCommand.PingPong(Server, seconds, 14));
        Assert.Contains("3–3600", e.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(3600)]
    public void Duration_bounds_are_accepted(int seconds) =>
        Assert.Equal(seconds.ToString(), SockperfCommand.PingPong(Server, seconds, 14).Arguments[7]);

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(65508)]
    [InlineData(1 << 20)]
    [InlineData(-14)]
    public void Bad_message_size_is_LAB0002(int size) =>
        AssertBad(() => SockperfCommand.PingPong(Server, 10, size));

    [Theory]
    [InlineData(14)]
    [InlineData(65507)]
    public void Message_size_bounds_are_accepted(int size) =>
        Assert.Equal(size.ToString(), SockperfCommand.PingPong(Server, 10, size).Arguments[9]);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Bad_port_is_LAB0002(int port)
    {
        AssertBad(() => SockperfCommand.PingPong(Server, 10, 14, port));
        AssertBad(() => SockperfCommand.Server(Server, port));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("239.1.2.3")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.1.1.1")]
    public void Client_needs_a_unicast_IPv4_server_address(string address) =>
        AssertBad(() => SockperfCommand.PingPong(IPAddress.Parse(address), 10, 14));

    [Theory]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("::")]
    public void Server_cannot_listen_on_broadcast_multicast_or_IPv6(string address) =>
        AssertBad(() => SockperfCommand.Server(IPAddress.Parse(address)));

    [Fact]
    public void Missing_address_is_LAB0002()
    {
        AssertBad(() => SockperfCommand.PingPong(null!, 10, 14));
        AssertBad(() => SockperfCommand.Server(null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("sock\0perf")]
    public void Bad_program_is_LAB0002(string program)
    {
        AssertBad(() => SockperfCommand.PingPong(Server, 10, 14, program: program));
        AssertBad(() => SockperfCommand.Server(Server, program: program));
    }

    [Fact]
    public void A_program_path_with_spaces_and_quotes_is_quoted()
    {
        var c = SockperfCommand.Server(Server, program: "/opt/it's mine/sockperf");

        Assert.Equal(@"'/opt/it'\''s mine/sockperf' server --tcp -i 10.1.1.1 -p 11111", c.ToShellString());
    }

    [Fact]
    public void The_shell_string_gives_the_remote_shell_exactly_the_argument_list()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"virtlab-sockperf-{Guid.NewGuid():N}");
        var c = SockperfCommand.PingPong(Server, 10, 14, program: $"$(touch {marker}); sockperf");

        // printf stands in for the program: it prints each word it received, NUL-terminated.
        var r = ProcessRunner.Run("/bin/sh", ["-c", "printf '%s\\0' " + c.ToShellString()], TimeSpan.FromSeconds(10));

        Assert.True(r.Succeeded, r.StandardError);
        Assert.Equal([c.Program, .. c.Arguments], r.StandardOutput.Split('\0')[..^1]);
        Assert.False(File.Exists(marker));
    }
}
