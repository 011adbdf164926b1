using VirtLab.Iperf;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// The guest-side readiness check, run here in a test namespace with the same shell script the
/// guest runs (it needs only sh, cat and grep, which the guest's busybox provides).
/// </summary>
public sealed class GuestListeningTests
{
    private static int RunScript(TestNamespace ns, int port, TimeSpan bound) =>
        ns.Exec("sh", "-c", GuestListening.Script(port, bound)).ExitCode;

    [Fact]
    public void Returns_once_a_real_iperf2_server_listens_so_a_client_started_right_after_connects()
    {
        using var ns = TestNamespace.Create(withLabBridge: false);
        ns.StartBackground("iperf", "-s", "-p", "5201");

        Assert.Equal(0, RunScript(ns, 5201, TimeSpan.FromSeconds(8)));
        var client = ns.Exec("iperf", "-c", "127.0.0.1", "-p", "5201", "-t", "1", "-i", "1");

        var result = Iperf2OutputParser.Parse(client.StandardOutput, client.StandardError);
        Assert.True(result.Summary.BitsPerSecond > 0);
    }

    // What the guest does under TCG: the command that starts the server returns before it binds.
    [Fact]
    public void A_server_that_binds_late_refuses_a_client_started_at_once_and_accepts_one_started_after_the_wait()
    {
        using var ns = TestNamespace.Create(withLabBridge: false);
        ns.StartBackground("sh", "-c", "sleep 2; exec iperf -s -p 5201");

        var early = ns.Exec("iperf", "-c", "127.0.0.1", "-p", "5201", "-t", "1", "-i", "1");
        Assert.Contains("Connection refused", early.StandardOutput + early.StandardError);
        Assert.Throws<LabException>(() => Iperf2OutputParser.Parse(early.StandardOutput, early.StandardError));

        Assert.Equal(0, RunScript(ns, 5201, TimeSpan.FromSeconds(8)));
        var late = ns.Exec("iperf", "-c", "127.0.0.1", "-p", "5201", "-t", "1", "-i", "1");
        Assert.True(Iperf2OutputParser.Parse(late.StandardOutput, late.StandardError).Summary.BitsPerSecond > 0);
    }

    [Fact]
    public void Gives_up_after_its_bound_when_only_another_port_listens()
    {
        using var ns = TestNamespace.Create(withLabBridge: false);
        ns.StartEchoServer(5202);

        Assert.Equal(1, RunScript(ns, 5201, TimeSpan.FromSeconds(0.3)));
        Assert.Equal(0, RunScript(ns, 5202, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Finds_a_low_port_written_with_leading_zeros_in_proc_net_tcp()
    {
        using var ns = TestNamespace.Create(withLabBridge: false);
        ns.StartEchoServer(80);

        Assert.Equal(0, RunScript(ns, 80, TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Refuses_a_port_that_is_not_a_TCP_port(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GuestListening.Script(port, TimeSpan.FromSeconds(1)));
}
