using VirtLab.Remote;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// RemoteLab on the rig's hosts without a guest: host-NIC mode set up and undone, and what is left
/// when a build does not undo it — its session dropped (the watchdog cleans), its watchdog gone too
/// (the next build reaps), the host's sshd killed under it (a clear error, the host cleaned).
/// </summary>
public sealed class TwoHostsRemoteLabTests(TwoHostsRig rig) : IClassFixture<TwoHostsRig>
{
    private RemoteHostOptions Options => new() { Namespace = rig.OperatorNamespace, ConnectTimeout = TimeSpan.FromSeconds(3) };

    [Fact]
    public void Host_NIC_mode_moves_the_address_to_br0_with_the_lab_address_and_disposing_puts_everything_back()
    {
        using var host = RemoteHost.Connect("a", rig.HostConfigFor(rig.A), Options);
        string folder;
        using (var lab = RemoteLab.Open(host, "10.1.1.254/24"))
        {
            folder = lab.Folder;
            lab.AddTap("tap-probe");
            var bridge = host.Run(["ip", "-o", "-4", "addr", "show", "dev", "br0"]).StandardOutput;
            Assert.Contains($"inet {rig.A.Address}/24", bridge);
            Assert.Contains("inet 10.1.1.254/24", bridge);
            Assert.Contains("master br0", host.Run(["ip", "-o", "link", "show", "dev", "lan0"]).StandardOutput);
            Assert.Contains("master br0", host.Run(["ip", "-o", "link", "show", "dev", "tap-probe"]).StandardOutput);
            // The session that carried the change still works, and so does the LAN.
            Assert.Equal(0, host.Run(["busybox", "ping", "-c", "1", "-W", "2", rig.B.Address]).ExitCode);
        }
        AssertUntouched(rig.A, folder);
    }

    [Fact]
    public void When_the_session_drops_the_watchdog_ends_what_the_run_started_and_restores_the_NIC()
    {
        var host = RemoteHost.Connect("a", rig.HostConfigFor(rig.A), Options);
        var lab = RemoteLab.Open(host, "10.1.1.254/24");
        lab.AddTap("tap-probe");
        var sleeper = lab.Start("sleep", ["600.4242"]);
        Assert.True(WaitFor(() => rig.OnHost(rig.A, "pgrep", "-f", "sleep 600.4242").Succeeded));

        // The build dies without a word: its connection just ends (no cleanup command is sent).
        host.Dispose();
        Assert.True(WaitFor(() => !rig.OnHost(rig.A, "test", "-e", lab.Folder).Succeeded, TimeSpan.FromSeconds(15)), "the watchdog did not clean the run folder");
        AssertUntouched(rig.A, lab.Folder);
        Assert.False(rig.OnHost(rig.A, "pgrep", "-f", "sleep 600.4242").Succeeded, "the helper must be gone");
        sleeper.Dispose();
        lab.Dispose(); // its session is gone: nothing to do, and no error
    }

    [Fact]
    public void A_run_left_without_its_watchdog_is_reaped_by_the_next_run_on_that_host()
    {
        var first = RemoteHost.Connect("b", rig.HostConfigFor(rig.B), Options);
        var abandoned = RemoteLab.Open(first, "10.1.1.253/24");
        abandoned.AddTap("tap-old");
        // A host rebooted mid-run, or a watchdog killed with the build: nothing is left to clean up in time.
        Assert.True(rig.OnHost(rig.B, "sh", "-c", "kill -KILL $(cat \"$1\")", "sh", abandoned.Folder + "/watchdog.pid").Succeeded);
        first.Dispose();
        Thread.Sleep(500);
        Assert.True(rig.OnHost(rig.B, "test", "-e", abandoned.Folder).Succeeded);
        Assert.Contains("br0", rig.OnHost(rig.B, "ip", "-o", "link", "show").StandardOutput);

        using (var second = RemoteHost.Connect("b", rig.HostConfigFor(rig.B), Options))
        using (var lab = RemoteLab.Open(second, "10.1.1.253/24"))
        {
            Assert.Equal([abandoned.Folder], lab.Reaped);
            Assert.DoesNotContain("tap-old", rig.OnHost(rig.B, "ip", "-o", "link", "show").StandardOutput);
            Assert.Contains($"inet {rig.B.Address}/24", second.Run(["ip", "-o", "-4", "addr", "show", "dev", "br0"]).StandardOutput);
        }
        AssertUntouched(rig.B, abandoned.Folder);
        abandoned.Dispose();
    }

    [Fact]
    public void A_NIC_the_host_does_not_have_is_LAB0030_naming_the_host_and_nothing_is_left()
    {
        var config = rig.HostConfigFor(rig.A);
        config.Nic = "eth9";
        using var host = RemoteHost.Connect("a", config, Options);
        var e = Assert.Throws<LabException>(() => RemoteLab.Open(host, "10.1.1.254/24"));
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.Contains("Host 'a'", e.Message);
        Assert.Contains("eth9", e.Message);
        Assert.Contains("hosts.a.nic", e.Fix);
        Assert.Equal("", rig.OnHost(rig.A, "ls", "-A", RemoteLab.Root).StandardOutput.Trim());
        AssertUntouched(rig.A, null);
    }

    [Fact]
    public void A_login_without_root_is_LAB0011_before_anything_changes_on_the_host()
    {
        using var host = RemoteHost.Connect("c", rig.HostConfigFor(rig.C, TwoHostsRig.NonRootUser), Options);
        var e = Assert.Throws<LabException>(() => RemoteLab.Open(host, "10.1.1.252/24"));
        Assert.Equal(LabCodes.NotRoot, e.Code);
        Assert.Contains("'c'", e.Message);
        AssertUntouched(rig.C, null);
    }

    [Fact]
    public void A_host_whose_sshd_dies_mid_build_is_a_LAB0047_naming_it_and_its_watchdog_cleans_it()
    {
        using var own = new TwoHostsRig();
        var host = RemoteHost.Connect("b", own.HostConfigFor(own.B), new RemoteHostOptions { Namespace = own.OperatorNamespace, ConnectTimeout = TimeSpan.FromSeconds(3) });
        var lab = RemoteLab.Open(host, "10.1.1.253/24");
        lab.AddTap("tap-probe");

        // Every sshd process of host B: the listener and this build's session.
        // (The watchdog's own `sleep 1` comes and goes meanwhile: a pid may be gone before its comm is read.)
        foreach (var pid in TwoHostsRig.LeftRunning(own.B.Namespace))
            if (TwoHostsRigReaper.Comm(pid) == "sshd") ProcessRunner.Run("kill", ["-KILL", pid.ToString()], TimeSpan.FromSeconds(5));

        var e = Assert.Throws<LabException>(() => lab.AddTap("tap-next"));
        Assert.Equal(LabCodes.RemoteHost, e.Code);
        Assert.Contains("'b'", e.Message);
        Assert.True(WaitFor(() => TwoHostsRig.LeftRunning(own.B.Namespace).Count == 0, TimeSpan.FromSeconds(15)), "the watchdog did not end");
        var links = ProcessRunner.Run("ip", ["-n", own.B.Namespace, "-o", "link", "show"], TimeSpan.FromSeconds(5)).StandardOutput;
        Assert.DoesNotContain("br0", links);
        Assert.DoesNotContain("tap-probe", links);
        Assert.Contains($"inet {own.B.Address}/24", ProcessRunner.Run("ip", ["-n", own.B.Namespace, "-o", "-4", "addr", "show", "dev", "lan0"], TimeSpan.FromSeconds(5)).StandardOutput);
        lab.Dispose();
        host.Dispose();
    }

    /// <summary>The host as the rig made it: lan0 holds its address and is no bridge's port, no br0, no tap, no blackhole, no run folder.</summary>
    private void AssertUntouched(RigHost host, string? folder)
    {
        var links = rig.OnHost(host, "ip", "-o", "link", "show").StandardOutput;
        Assert.DoesNotContain("br0", links);
        Assert.DoesNotContain("tap-", links);
        Assert.Contains($"inet {host.Address}/24", rig.OnHost(host, "ip", "-o", "-4", "addr", "show", "dev", "lan0").StandardOutput);
        Assert.Equal("", rig.OnHost(host, "ip", "route", "show", "type", "blackhole").StandardOutput.Trim());
        if (folder is not null) Assert.False(rig.OnHost(host, "test", "-e", folder).Succeeded, $"{folder} is still there");
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(100);
        }
        return condition();
    }
}
