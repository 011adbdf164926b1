using VirtLab.Records;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>Builds experiments/virtio-vs-e1000.proj with the quick profile: three real guests, real iperf3.</summary>
[Collection(EndToEnd.Collection)]
public sealed class VirtioVsE1000EndToEndTests
{
    private const string Project = "experiments/virtio-vs-e1000.proj";

    [Fact]
    public void Quick_build_measures_every_nic_both_ways_plus_loopback_keeps_the_root_namespace_untouched_and_works_with_iperf2()
    {
        using var copy = new RepoCopy();
        var rootRoutesBefore = RootRoutes();
        var first = copy.Build(TimeSpan.FromMinutes(15), Project, "-p:Profile=quick");
        Assert.True(first.Succeeded, first.StandardOutput);
        Assert.Equal(rootRoutesBefore, RootRoutes());
        Assert.DoesNotContain("10.1.1.", rootRoutesBefore);

        var results = Path.Combine(copy.Root, "results", "virtio-vs-e1000-quick");
        var throughput = RecordFile.Read(Path.Combine(results, "records.ndjson")).Where(r => r.Metric == "throughput").ToList();
        foreach (var nic in new[] { "virtio-net-pci", "e1000", "rtl8139" })
            foreach (var direction in new[] { "guest-to-host", "host-to-guest" })
            {
                var runs = throughput.Where(r => r.Label("nic") == nic && r.Label("direction") == direction).ToList();
                Assert.Equal(2, runs.Count);
                Assert.All(runs, r => Assert.InRange(r.Value!.Value, 0.001, 100));
                Assert.All(runs, r => Assert.Equal("iperf3", r.Label("tool")));
            }
        Assert.Equal(2, throughput.Count(r => r.Label("nic") == "loopback"));
        var cpu = RecordFile.Read(Path.Combine(results, "records.ndjson")).Where(r => r.Metric == "qemu_cpu_seconds").ToList();
        Assert.Equal(12, cpu.Count);
        Assert.All(cpu, r => Assert.True(r.Value > 0));

        // Latency: sockperf round trips per NIC model and direction, and on loopback.
        var p50 = RecordFile.Read(Path.Combine(results, "records.ndjson")).Where(r => r.Metric == "tcp_rr_latency_p50").ToList();
        foreach (var nic in new[] { "virtio-net-pci", "e1000", "rtl8139" })
            foreach (var direction in new[] { "guest-to-host", "host-to-guest" })
            {
                var runs = p50.Where(r => r.Label("nic") == nic && r.Label("direction") == direction).ToList();
                Assert.Equal(2, runs.Count);
                Assert.All(runs, r => Assert.InRange(r.Value!.Value, 1, 1_000_000));
                Assert.All(runs, r => Assert.Equal("round-trip", r.Label("latency")));
                Assert.All(runs, r => Assert.True(File.Exists(Path.Combine(results, "raw", r.Label("raw")!))));
            }
        Assert.Equal(2, p50.Count(r => r.Label("nic") == "loopback"));
        var p99 = RecordFile.Read(Path.Combine(results, "records.ndjson")).Where(r => r.Metric == "tcp_rr_latency_p99").ToList();
        Assert.All(p50, r => Assert.True(p99.Single(q => q.Label("nic") == r.Label("nic") && q.Label("direction") == r.Label("direction")
                                                       && q.Label("repeat") == r.Label("repeat")).Value >= r.Value));

        var evidence = Path.Combine(copy.Root, "results", "host-setup");
        Assert.Contains("10.1.1.254/24", File.ReadAllText(Path.Combine(evidence, "addresses.txt")));
        Assert.Contains("master br0", File.ReadAllText(Path.Combine(evidence, "bridge-link.txt")));
        Assert.Contains("52:54:00:1a:", File.ReadAllText(Path.Combine(evidence, "bridge-fdb.txt")));
        Assert.Contains("bridge_ports none", File.ReadAllText(Path.Combine(evidence, "interfaces")));
        Assert.Contains("0% packet loss", File.ReadAllText(Path.Combine(evidence, "guest-ping-host.txt")));
        Assert.Contains("| virtio-net-pci | 2 |", File.ReadAllText(Path.Combine(results, "summary.md")));

        var second = copy.Build(TimeSpan.FromMinutes(5), Project, "-p:Profile=quick");
        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.DoesNotContain("repeat 1/", second.StandardOutput);
        Assert.DoesNotContain("answered SSH", second.StandardOutput);

        // The homework's iperf 2, one NIC model: both directions work (the guest's server is waited
        // for), measured again with iperf 2 because the tool is in the iperf cells' stamps; the
        // sockperf cells and the evidence are up to date and not measured again.
        var iperf2 = copy.Build(TimeSpan.FromMinutes(10), Project, "-p:Profile=quick", "-p:IperfTool=iperf2", "-p:NicModels=virtio-net-pci");
        Assert.True(iperf2.Succeeded, iperf2.StandardOutput);
        Assert.DoesNotContain("sockperf virtio-net-pci guest-to-host repeat 1/", iperf2.StandardOutput);
        var iperf2Throughput = RecordFile.Read(Path.Combine(results, "records.ndjson")).Where(r => r.Metric == "throughput").ToList();
        foreach (var iperf2Direction in new[] { "guest-to-host", "host-to-guest" })
        {
            var iperf2Runs = iperf2Throughput.Where(r => r.Label("nic") == "virtio-net-pci" && r.Label("direction") == iperf2Direction).ToList();
            Assert.Equal(2, iperf2Runs.Count);
            Assert.All(iperf2Runs, r => Assert.InRange(r.Value!.Value, 0.001, 100));
            Assert.All(iperf2Runs, r => Assert.Equal("iperf2", r.Label("tool")));
            // iperf 2's own text output, kept as measured (iperf3's would be JSON).
            Assert.All(iperf2Runs, r => Assert.Matches(@"0\.0+-[0-9.]+ sec .*bits/sec", File.ReadAllText(Path.Combine(results, "raw", r.Label("raw")!))));
        }
        Assert.Equal(2, iperf2Throughput.Count(r => r.Label("nic") == "loopback" && r.Label("tool") == "iperf2"));
        Assert.Equal(6, iperf2Throughput.Count);
        Assert.DoesNotContain(iperf2Throughput, r => r.Label("nic") is "e1000" or "rtl8139");
    }

    private static string RootRoutes() =>
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["route", "show", "table", "all"], TimeSpan.FromSeconds(10)).StandardOutput;
}
