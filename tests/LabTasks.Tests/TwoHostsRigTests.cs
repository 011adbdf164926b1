using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>The rig itself: it comes up as described (three sshd on one shaped LAN) and leaves nothing behind.</summary>
public class TwoHostsRigTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void The_rig_comes_up_shaped_and_Dispose_leaves_no_namespace_sshd_or_folder()
    {
        int[] sshdPids;
        string[] namespaces;
        string folder;
        using (var rig = new TwoHostsRig())
        {
            sshdPids = [.. rig.Hosts.Select(h => h.Sshd!.Id)];
            namespaces = [.. rig.Namespaces];
            folder = rig.Folder;
            Assert.Equal(5, namespaces.Length);
            Assert.All(sshdPids, pid => Assert.EndsWith("sshd", File.ReadAllText($"/proc/{pid}/comm").Trim()));
            var listed = Run("ip", "netns", "list");
            Assert.All(namespaces, ns => Assert.Contains(ns, listed));

            // The LAN ports are shaped, and the operator reaches each host across them.
            foreach (var port in (string[])["p-op", "p-a", "p-b", "p-c"])
            {
                var qdisc = Run("ip", "netns", "exec", rig.LanNamespace, "tc", "qdisc", "show", "dev", port);
                Assert.Contains(rig.LanShaping.Split(' ')[0] + " ", qdisc);
                Assert.Contains("rate 1Gbit", qdisc);
            }
            Assert.Contains("1 packets received", Run("ip", "netns", "exec", rig.OperatorNamespace, "busybox", "ping", "-c", "1", "-W", "2", rig.B.Address));

            // Each host has its own /run: A's pid file is not B's, and neither is the root namespace's.
            var pidOnA = rig.OnHost(rig.A, "cat", "/run/sshd.pid").StandardOutput.Trim();
            var pidOnB = rig.OnHost(rig.B, "cat", "/run/sshd.pid").StandardOutput.Trim();
            Assert.NotEqual(pidOnA, pidOnB);
            Assert.True(rig.OnHost(rig.A, "test", "-d", "/run/rig").Succeeded);
            Assert.False(Directory.Exists("/run/rig"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(rig.ClientKeyFile));
        }

        var after = Run("ip", "netns", "list");
        Assert.All(namespaces, ns => Assert.DoesNotContain(ns, after));
        Assert.All(sshdPids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"sshd {pid} outlived the rig"));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void A_rig_that_fails_half_way_removes_what_it_had_built()
    {
        int? sshdPid = null;
        string[] namespaces = [];
        var folder = "";
        var e = Assert.Throws<InvalidOperationException>(() => new TwoHostsRig((rig, host) =>
        {
            sshdPid = host.Sshd!.Id;
            namespaces = [.. rig.Namespaces];
            folder = rig.Folder;
            throw new InvalidOperationException("stopped after host A's sshd");
        }));
        Assert.Equal("stopped after host A's sshd", e.Message);

        Assert.NotNull(sshdPid);
        Assert.Equal(5, namespaces.Length);
        Assert.False(Directory.Exists($"/proc/{sshdPid}"), "host A's sshd outlived the failed rig");
        var after = Run("ip", "netns", "list");
        Assert.All(namespaces, ns => Assert.DoesNotContain(ns, after));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void A_new_rig_removes_the_leftovers_of_a_rig_whose_test_run_was_killed()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var folder = Path.Combine(Path.GetTempPath(), $"vl2h-{id}");
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var exited = System.Diagnostics.Process.Start("true")!) // a pid that no longer runs
        {
            exited.WaitForExit();
            File.WriteAllText(TwoHostsRigReaper.OwnerFile(folder), $"{exited.Id} 1");
        }
        var sleeper = Path.Combine(folder, "a.sshd-pid");
        using var notSshd = System.Diagnostics.Process.Start("sleep", "30")!;
        File.WriteAllText(sleeper, notSshd.Id.ToString()); // only a process named sshd is killed
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["netns", "add", $"vl2h-{id}-op"], Bound);
        try
        {
            using (new TwoHostsRig()) { }

            Assert.DoesNotContain($"vl2h-{id}-op", Run("ip", "netns", "list"));
            Assert.False(Directory.Exists(folder));
            Assert.False(notSshd.HasExited);
        }
        finally
        {
            notSshd.Kill();
            ProcessRunner.Run("ip", ["netns", "del", $"vl2h-{id}-op"], Bound);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_live_rig_is_not_taken_for_an_orphan()
    {
        using var rig = new TwoHostsRig();
        Assert.DoesNotContain(rig.Id, TwoHostsRigReaper.ReapOrphans());
        Assert.Contains(rig.OperatorNamespace, Run("ip", "netns", "list"));
    }

    private static string Run(string program, params string[] args)
    {
        var result = ProcessRunner.Run(program, args, Bound);
        return result.StandardOutput + result.StandardError;
    }
}
