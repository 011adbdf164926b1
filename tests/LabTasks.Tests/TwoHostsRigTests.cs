using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>The rig itself: it comes up as described (two sshd on one shaped LAN) and leaves nothing behind.</summary>
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
            sshdPids = [rig.A.Sshd!.Id, rig.B.Sshd!.Id];
            namespaces = [.. rig.Namespaces];
            folder = rig.Folder;
            Assert.Equal(4, namespaces.Length);
            Assert.All(sshdPids, pid => Assert.EndsWith("sshd", File.ReadAllText($"/proc/{pid}/comm").Trim()));
            var listed = Run("ip", "netns", "list");
            Assert.All(namespaces, ns => Assert.Contains(ns, listed));

            // The LAN ports are shaped, and the operator reaches each host across them.
            foreach (var port in (string[])["p-op", "p-a", "p-b"])
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
        Assert.Equal(4, namespaces.Length);
        Assert.False(Directory.Exists($"/proc/{sshdPid}"), "host A's sshd outlived the failed rig");
        var after = Run("ip", "netns", "list");
        Assert.All(namespaces, ns => Assert.DoesNotContain(ns, after));
        Assert.False(Directory.Exists(folder));
    }

    private static string Run(string program, params string[] args)
    {
        var result = ProcessRunner.Run(program, args, Bound);
        return result.StandardOutput + result.StandardError;
    }
}
