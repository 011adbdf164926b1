using System.Net;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Remote;
using VirtLab.Util;
using Xunit.Abstractions;

namespace VirtLab.Tests;

/// <summary>
/// A guest live-migrated between the rig's hosts A and B over SSH, as the homework did between two
/// PCs: each host in host-NIC mode (lan0 enslaved to br0), QEMU started there by SSH, QMP through
/// forwarded ports, the stream over the LAN, host C on the LAN pinging, capturing and streaming to
/// the guest. Every connection leaves from the rig's operator namespace.
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class TwoHostsMigrationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _run = Directory.CreateTempSubdirectory("virtlab-2h-run-").FullName;

    /// <summary>The processes in the host's namespace once its SSH sessions have ended: its sshd only, when nothing was left.</summary>
    private static List<int> OnlySshdLeft(RigHost host)
    {
        var left = TwoHostsRig.LeftRunning(host.Namespace);
        for (var i = 0; i < 50 && left.Count > 1; i++)
        {
            Thread.Sleep(100);
            left = TwoHostsRig.LeftRunning(host.Namespace);
        }
        return left;
    }

    public void Dispose()
    {
        try { Directory.Delete(_run, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void A_guest_goes_from_host_A_to_host_B_and_back_under_iperf_and_sysbench_the_LAN_cut_is_recorded_and_nothing_is_left()
    {
        using var rig = new TwoHostsRig();
        var image = MigrationTestLab.Image.Value;
        var options = new RemoteHostOptions { Namespace = rig.OperatorNamespace };
        List<MigrationRun> runs, cut;
        string folderA, folderB, folderC;
        using (var a = RemoteHost.Connect("a", rig.HostConfigFor(rig.A), options))
        using (var b = RemoteHost.Connect("b", rig.HostConfigFor(rig.B), options))
        using (var c = RemoteHost.Connect("c", rig.HostConfigFor(rig.C), options))
        {
            using var labA = RemoteLab.Open(a, "10.1.1.254/24", output.WriteLine);
            using var labB = RemoteLab.Open(b, "10.1.1.253/24", output.WriteLine);
            using var labC = RemoteLab.Open(c, "10.1.1.252/24", output.WriteLine);
            (folderA, folderB, folderC) = (labA.Folder, labB.Folder, labC.Folder);
            Assert.Equal(IPAddress.Parse(rig.A.Address), labA.LanAddress);
            Assert.Equal("lan0", labA.Nic);
            Assert.InRange(Math.Abs(labA.Clock.OffsetMilliseconds), 0, labA.Clock.UncertaintyMilliseconds + 1);

            var sites = new HostPairSites(labA, labB, labC, image.ClientPrivateKey, image.HostPublicKeyFile);
            var guest = new GuestSpec("mig-0", "tcg", 256, 1, image.PvhKernel ?? image.Kernel, image.Initramfs,
                IPAddress.Parse("10.1.1.1"), 24, IPAddress.Parse("10.1.1.254"),
                [new GuestNic("virtio-net-pci", "tap-mig-0", QemuCommandLine.Mac(1, 0))], Path.Combine(_run, "mig-0.serial.log"), ["pti=on"],
                TraceLog: Path.Combine(_run, "mig-0.trace.log"));
            sites.AddTap(guest);
            var boot = sites.Boot(guest, TimeSpan.FromSeconds(120), CancellationToken.None);
            Assert.True(boot.Ready, $"{boot.Detail}\n{boot.SerialTail}");
            output.WriteLine($"booted on host a in {boot.Seconds:0.0} s");

            var runner = new MigrationScenarioRunner(sites, new WorkloadOptions(), Path.Combine(_run, "raw"), output.WriteLine);
            var settings = MigrationSettings.Parse("there-and-back", "", "", "", "", "", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
            var plan = new ScenarioPlan("there-and-back", ["iperf", "sysbench-cpu"], settings, null,
                TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20));
            runs = runner.Run(plan, guest, CancellationToken.None);

            // The LAN cut: the source host's route to the destination goes nowhere mid-migration.
            var capped = MigrationSettings.Parse("lan-cut", "", "", "16", "", "", TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(250));
            var cutPlan = new ScenarioPlan("lan-cut", ["idle"], capped, new MigrationFault(MigrationFault.StreamCut, TimeSpan.FromSeconds(1.5)),
                TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20));
            cut = runner.Run(cutPlan, MigrationScenarioRunner.SpecFor(guest, sites.Current, null), CancellationToken.None);
            Assert.Equal("mig-2", sites.Current);
            Assert.Same(labA, sites.Where("mig-2"));
            Assert.True(labA.IsRunning("mig-2"), "the guest must still run on host A after the cut");
            Assert.DoesNotContain("blackhole", a.Run(["ip", "route", "show", "type", "blackhole"]).StandardOutput);
        }

        Assert.Equal(2, runs.Count);
        var (there, back) = (runs[0], runs[1]);
        foreach (var run in runs)
        {
            var m = run.Migration;
            output.WriteLine($"{run.Workload}: {m.Source} → {m.Destination} {m.Outcome} in {m.EndedAfterSeconds:0.00} s, downtime {m.DowntimeMs} ms, ping gap {run.NetworkDowntimeMs} ms, RARP {run.RarpFrames}, FDB {run.FdbPortBefore} → {run.FdbPortAfter}");
            Assert.Equal(MigrationOutcome.Completed, m.Outcome);
            Assert.True(run.Integrity.Passed, string.Join("; ", run.Integrity.Findings));
            Assert.True(run.SshKept, "the orchestrator's SSH session to the guest must survive the move");
            Assert.True(run.FdbMoved, $"FDB: {run.FdbPortBefore} → {run.FdbPortAfter}");
            Assert.True(run.RarpFrames > 0, "host C must see the destination announce the guest");
            Assert.NotNull(run.NetworkDowntimeMs);
            Assert.Contains(run.Ping.ReplyTimes, t => t > m.EndedAfterSeconds);
            Assert.Contains(m.Events, e => e.Side == "destination" && e.Name == "RESUME");
        }
        Assert.Equal(("mig-0", "mig-1"), (there.Migration.Source, there.Migration.Destination));
        Assert.Equal(("mig-1", "mig-2"), (back.Migration.Source, back.Migration.Destination));
        Assert.Equal("iperf", there.Workload);
        Assert.True(there.StreamKept, there.During.RawOutput);
        Assert.Equal("sysbench-cpu", back.Workload);
        Assert.NotEmpty(back.During.Points);

        var lanCut = Assert.Single(cut).Migration;
        output.WriteLine($"lan-cut: {lanCut.Outcome}: {lanCut.FailureReason}");
        Assert.Equal(MigrationOutcome.Cancelled, lanCut.Outcome);
        Assert.Contains("blackholed", lanCut.FailureReason);
        Assert.True(Assert.Single(cut).Integrity.Passed);

        // Nothing is left on any host: no QEMU or helper, no run folder, no tap or bridge, lan0 has its address back.
        foreach (var (host, folder) in new[] { (rig.A, folderA), (rig.B, folderB), (rig.C, folderC) })
        {
            Assert.Equal([host.Sshd!.Id], OnlySshdLeft(host));
            Assert.False(rig.OnHost(host, "test", "-e", folder).Succeeded, $"{folder} must be gone on host {host.Name}");
            var links = rig.OnHost(host, "ip", "-o", "link", "show").StandardOutput;
            Assert.DoesNotContain("br0", links);
            Assert.DoesNotContain("tap-", links);
            Assert.Contains($"inet {host.Address}/24", rig.OnHost(host, "ip", "-o", "-4", "addr", "show", "dev", "lan0").StandardOutput);
        }
    }
}
