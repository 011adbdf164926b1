using VirtLab.Migration;
using VirtLab.Records;
using VirtLab.Util;
using Record = VirtLab.Records.Record;
using Xunit.Abstractions;

namespace VirtLab.Tests;

/// <summary>
/// experiments/two-hosts.proj, quick profile, on the rig: a guest live-migrated between hosts A and
/// B over SSH as the homework did between two PCs — each host in host-NIC mode (lan0 enslaved to
/// br0), QEMU started there by SSH, QMP through forwarded ports, the stream over the LAN — while
/// host C pings, captures and streams to it; then the LAN cut mid-migration. The build's SSH
/// sessions leave from the rig's operator namespace (HostsNamespace). About three minutes here.
/// VIRTLAB_TWO_HOSTS_PROFILE=default runs every scenario of two-hosts.proj (bench/two-hosts-rig.sh):
/// auto-converge, the post-copy cut and a killed destination too; its results are kept in /tmp/two-hosts-default-results.
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class TwoHostsMigrationTests(ITestOutputHelper output)
{
    [Fact]
    public void Quick_build_migrates_from_host_A_to_B_and_back_under_iperf_and_sysbench_records_the_LAN_cut_and_leaves_nothing()
    {
        using var rig = new TwoHostsRig();
        using var copy = new RepoCopy();
        var labFile = rig.WriteLabFile(Path.Combine(copy.Root, "experiments", "lab.yaml"), [.. rig.Hosts]);

        var profile = Environment.GetEnvironmentVariable("VIRTLAB_TWO_HOSTS_PROFILE") is { Length: > 0 } p ? p : "quick";
        var build = copy.Build(TimeSpan.FromMinutes(profile == "quick" ? 10 : 40), "experiments/two-hosts.proj", $"-p:Profile={profile}", $"-p:LabFile={labFile}",
            "-p:SourceHost=a", "-p:DestinationHost=b", "-p:ObserverHost=c", $"-p:HostsNamespace={rig.OperatorNamespace}");
        output.WriteLine(build.StandardOutput);
        Assert.True(build.Succeeded, build.StandardOutput);

        var results = Path.Combine(copy.Root, "results", profile == "quick" ? "two-hosts-quick" : "two-hosts");
        var records = RecordFile.Read(Path.Combine(results, "records.ndjson"));
        double Figure(string scenario, string migration, string metric) =>
            records.Single(r => r.Label("scenario") == scenario && r.Label("migration") == migration && r.Metric == metric && r.Label("kind") == "migration").Value!.Value;
        string? Label(string scenario, string migration, string label) =>
            records.First(r => r.Label("scenario") == scenario && r.Label("migration") == migration && r.Label("kind") == "migration").Label(label);

        if (profile != "quick")
        {
            File.Copy(Path.Combine(results, "summary.md"), Path.Combine(Path.GetTempPath(), $"two-hosts-{profile}-summary.md"), overwrite: true);
            // The whole results folder (raw outputs too) outlives the copy, for docs/experiments/two-hosts.md.
            var kept = Path.Combine(Path.GetTempPath(), $"two-hosts-{profile}-results");
            if (Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
            ProcessRunner.RunChecked(LabCodes.MissingTool, "cp", ["-a", results, kept], TimeSpan.FromSeconds(60));
        }

        // A → B, B → A, A → B …: one migration per workload (quick: iperf, sysbench cpu, sysbench memory); the guest keeps its
        // MAC and address, host C sees the destination's RARP, the bridge of the guest's new host learns it on the new tap.
        var homework = records.Where(r => r.Label("scenario") == "hosts-homework" && r.Label("kind") == "migration").Select(r => r.Label("migration")!).Distinct().ToList();
        Assert.Equal(profile == "quick" ? 3 : 9, homework.Count);
        foreach (var index in homework)
        {
            var there = int.Parse(index) % 2 == 1;
            Assert.Equal(MigrationOutcome.Completed, Label("hosts-homework", index, "outcome"));
            Assert.Equal((there ? "a" : "b", there ? "b" : "a", "c"), (Label("hosts-homework", index, "source_host"), Label("hosts-homework", index, "destination_host"), Label("hosts-homework", index, "observer_host")));
            Assert.Equal("host", Label("hosts-homework", index, "qemu_build"));
            Assert.Equal(1, Figure("hosts-homework", index, "integrity_ok"));
            Assert.Equal(1, Figure("hosts-homework", index, "fdb_moved"));
            Assert.Equal(1, Figure("hosts-homework", index, "ssh_session_kept"));
            Assert.True(Figure("hosts-homework", index, "announce_rarp_frames") >= 1);
            Assert.InRange(Figure("hosts-homework", index, "network_downtime"), 1, 5000);
        }
        if (profile == "quick")
            Assert.Equal(["iperf", "sysbench-cpu", "sysbench-memory"], homework.Select(i => Label("hosts-homework", i, "workload")));
        Assert.Equal(1, Figure("hosts-homework", "1", "stream_kept"));
        Assert.Contains(records, r => r.Label("scenario") == "hosts-homework" && r.Label("workload") == "sysbench-cpu" && r.Label("kind") == "series" && r.Label("phase") == "migration");

        // The LAN cut: the source host's route to the destination blackholed; cancelled at the deadline, the guest kept on the source.
        Assert.Equal(MigrationOutcome.Cancelled, Label("hosts-lan-cut", "1", "outcome"));
        Assert.Equal(GuestFate.OnSource, Label("hosts-lan-cut", "1", "guest_outcome"));
        Assert.Equal(1, Figure("hosts-lan-cut", "1", "integrity_ok"));
        Assert.Contains("blackholed", File.ReadAllText(Path.Combine(results, "raw", "hosts-lan-cut", "m1-idle-migration.json")));
        if (profile != "quick")
        {
            // Cut after the post-copy switch-over: both sides paused, the route back, migrate-recover, the guest verified on B.
            Assert.Equal(MigrationOutcome.Completed, Label("hosts-postcopy-lan-cut", "1", "outcome"));
            Assert.Contains("postcopy-paused", Label("hosts-postcopy-lan-cut", "1", "source_statuses"));
            Assert.Equal(1, Figure("hosts-postcopy-lan-cut", "1", "integrity_ok"));
            Assert.Equal(MigrationOutcome.Failed, Label("hosts-destination-killed", "1", "outcome"));
            Assert.Equal(GuestFate.OnSource, Label("hosts-destination-killed", "1", "guest_outcome"));
            Assert.Equal(1, Figure("hosts-destination-killed", "1", "integrity_ok"));
            Assert.Equal(MigrationOutcome.Completed, Label("hosts-dirty-auto-converge", "1", "outcome"));
        }

        // Nothing is left on any host: only its sshd runs there, its NIC has its address back, no bridge or tap, no run folder.
        foreach (var host in rig.Hosts)
        {
            Assert.Equal([host.Sshd!.Id], rig.LeftRunningOnceSessionsEnd(host));
            var links = rig.OnHost(host, "ip", "-o", "link", "show").StandardOutput;
            Assert.DoesNotContain("br0", links);
            Assert.DoesNotContain("tap-", links);
            Assert.Contains($"inet {host.Address}/24", rig.OnHost(host, "ip", "-o", "-4", "addr", "show", "dev", "lan0").StandardOutput);
            Assert.Equal("", rig.OnHost(host, "ls", "-A", "/run/virtlab/remote").StandardOutput.Trim());
            Assert.Equal("", rig.OnHost(host, "ip", "route", "show", "type", "blackhole").StandardOutput.Trim());
        }
    }
}

/// <summary>
/// experiments/kvm-vs-tcg.proj, quick profile, with every cell on rig host A (-p:CellHost=a): sysbench
/// on A itself and in a TCG guest booted there, and the KVM guest probed by booting it there — the
/// rig's hosts share this machine's kernel, so its answer is this machine's (no usable KVM here).
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class TwoHostsRemoteCellsTests(ITestOutputHelper output)
{
    [Fact]
    public void Question_B_runs_on_a_lab_yaml_host_and_its_KVM_is_that_hosts_answer()
    {
        using var rig = new TwoHostsRig();
        using var copy = new RepoCopy();
        var labFile = rig.WriteLabFile(Path.Combine(copy.Root, "experiments", "lab.yaml"), rig.A);
        var build = copy.Build(TimeSpan.FromMinutes(10), "experiments/kvm-vs-tcg.proj", "-p:Profile=quick", $"-p:LabFile={labFile}",
            "-p:CellHost=a", $"-p:HostsNamespace={rig.OperatorNamespace}");
        output.WriteLine(build.StandardOutput);
        Assert.True(build.Succeeded, build.StandardOutput);

        var results = Path.Combine(copy.Root, "results", "kvm-vs-tcg-quick");
        var records = RecordFile.Read(Path.Combine(results, "records.ndjson"));
        Assert.All(records, r => Assert.Equal("a", r.Label("host")));
        foreach (var workload in new[] { "cpu", "memory" })
        {
            Assert.True(File.Exists(Path.Combine(results, $"host-{workload}-on-a.ndjson")));
            Assert.Contains(records, r => r.Label("accel") == "host" && r.Label("workload") == workload && r.Value > 0);
            Assert.Contains(records, r => r.Label("accel") == "tcg" && r.Label("workload") == workload && r.Value > 0 && r.Label("qemu_build") == "host");
        }
        // KVM is A's answer, got by booting there: the rig's kernel has no usable KVM, so the cells say why, measured nothing.
        var kvm = records.Where(r => r.Label("accel") == "kvm").ToList();
        Assert.NotEmpty(kvm);
        Assert.All(kvm, r => Assert.Equal(Record.StatusUnavailable, r.Label("status")));
        Assert.All(kvm, r => Assert.Contains("did not boot on host 'a'", r.Label("reason")));

        Assert.Equal([rig.A.Sshd!.Id], rig.LeftRunningOnceSessionsEnd(rig.A));
        Assert.DoesNotContain("virtlab0", rig.OnHost(rig.A, "ip", "-o", "link", "show").StandardOutput);
        Assert.Equal("", rig.OnHost(rig.A, "ls", "-A", "/run/virtlab/remote").StandardOutput.Trim());
    }
}
