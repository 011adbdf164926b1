using VirtLab.Migration;
using VirtLab.Records;
using Xunit.Abstractions;

namespace VirtLab.Tests;

/// <summary>
/// experiments/two-hosts.proj, quick profile, on the rig: a guest live-migrated between hosts A and
/// B over SSH as the homework did between two PCs — each host in host-NIC mode (lan0 enslaved to
/// br0), QEMU started there by SSH, QMP through forwarded ports, the stream over the LAN — while
/// host C pings, captures and streams to it; then the LAN cut mid-migration. The build's SSH
/// sessions leave from the rig's operator namespace (HostsNamespace). About two minutes here.
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class TwoHostsMigrationTests(ITestOutputHelper output)
{
    [Fact]
    public void Quick_build_migrates_from_host_A_to_B_and_back_under_iperf_and_sysbench_records_the_LAN_cut_and_leaves_nothing()
    {
        using var rig = new TwoHostsRig();
        using var copy = new RepoCopy();
        var labFile = Path.Combine(rig.Folder, "lab.yaml");
        File.WriteAllText(labFile, File.ReadAllText(Path.Combine(copy.Root, "experiments", "lab.yaml")) + "\nhosts:\n" + string.Concat(rig.Hosts.Select(h => $"""
              {h.Name}:
                address: {h.Address}
                identityFile: {rig.ClientKeyFile}
                hostKey: {h.HostPublicKeyLine}

            """)));

        var build = copy.Build(TimeSpan.FromMinutes(10), "experiments/two-hosts.proj", "-p:Profile=quick", $"-p:LabFile={labFile}",
            "-p:SourceHost=a", "-p:DestinationHost=b", "-p:ObserverHost=c", $"-p:HostsNamespace={rig.OperatorNamespace}");
        output.WriteLine(build.StandardOutput);
        Assert.True(build.Succeeded, build.StandardOutput);

        var records = RecordFile.Read(Path.Combine(copy.Root, "results", "two-hosts-quick", "records.ndjson"));
        double Figure(string scenario, string migration, string metric) =>
            records.Single(r => r.Label("scenario") == scenario && r.Label("migration") == migration && r.Metric == metric && r.Label("kind") == "migration").Value!.Value;
        string? Label(string scenario, string migration, string label) =>
            records.First(r => r.Label("scenario") == scenario && r.Label("migration") == migration && r.Label("kind") == "migration").Label(label);

        // A → B under iperf, B → A under sysbench cpu, A → B under sysbench memory: the guest keeps its MAC and
        // address, host C sees the destination's RARP, the bridge of the guest's new host learns it on the new tap.
        foreach (var (index, workload, source, destination) in new[] { ("1", "iperf", "a", "b"), ("2", "sysbench-cpu", "b", "a"), ("3", "sysbench-memory", "a", "b") })
        {
            Assert.Equal(MigrationOutcome.Completed, Label("hosts-homework", index, "outcome"));
            Assert.Equal(workload, Label("hosts-homework", index, "workload"));
            Assert.Equal((source, destination, "c"), (Label("hosts-homework", index, "source_host"), Label("hosts-homework", index, "destination_host"), Label("hosts-homework", index, "observer_host")));
            Assert.Equal("host", Label("hosts-homework", index, "qemu_build"));
            Assert.Equal(1, Figure("hosts-homework", index, "integrity_ok"));
            Assert.Equal(1, Figure("hosts-homework", index, "fdb_moved"));
            Assert.Equal(1, Figure("hosts-homework", index, "ssh_session_kept"));
            Assert.True(Figure("hosts-homework", index, "announce_rarp_frames") >= 1);
            Assert.InRange(Figure("hosts-homework", index, "network_downtime"), 1, 5000);
        }
        Assert.Equal(1, Figure("hosts-homework", "1", "stream_kept"));
        Assert.Contains(records, r => r.Label("scenario") == "hosts-homework" && r.Label("workload") == "sysbench-cpu" && r.Label("kind") == "series" && r.Label("phase") == "migration");

        // The LAN cut: the source host's route to the destination blackholed; cancelled at the deadline, the guest kept on the source.
        Assert.Equal(MigrationOutcome.Cancelled, Label("hosts-lan-cut", "1", "outcome"));
        Assert.Equal(GuestFate.OnSource, Label("hosts-lan-cut", "1", "guest_outcome"));
        Assert.Equal(1, Figure("hosts-lan-cut", "1", "integrity_ok"));
        Assert.Contains("blackholed", File.ReadAllText(Path.Combine(copy.Root, "results", "two-hosts-quick", "raw", "hosts-lan-cut", "m1-idle-migration.json")));

        // Nothing is left on any host: only its sshd runs there, its NIC has its address back, no bridge or tap, no run folder.
        foreach (var host in rig.Hosts)
        {
            Assert.Equal([host.Sshd!.Id], OnlySshdLeft(host));
            var links = rig.OnHost(host, "ip", "-o", "link", "show").StandardOutput;
            Assert.DoesNotContain("br0", links);
            Assert.DoesNotContain("tap-", links);
            Assert.Contains($"inet {host.Address}/24", rig.OnHost(host, "ip", "-o", "-4", "addr", "show", "dev", "lan0").StandardOutput);
            Assert.Equal("", rig.OnHost(host, "ls", "-A", "/run/virtlab/remote").StandardOutput.Trim());
            Assert.Equal("", rig.OnHost(host, "ip", "route", "show", "type", "blackhole").StandardOutput.Trim());
        }
    }

    /// <summary>The processes in the host's namespace once the build's sessions have ended: its sshd only, when nothing was left.</summary>
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
}
