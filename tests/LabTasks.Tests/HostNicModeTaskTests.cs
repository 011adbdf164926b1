using System.Text.Json.Nodes;
using VirtLab.Lab;
using VirtLab.Tasks;

namespace VirtLab.Tests;

/// <summary>
/// ConfigureBridge in host-NIC mode, run as the build runs it, on a veth that stands in for eth0
/// inside a namespace (never the machine's real NIC); TeardownLab gives the NIC back.
/// </summary>
[Collection(HostNicCollection.Name)]
public sealed class HostNicModeTaskTests
{
    [Fact]
    public void Host_nic_mode_moves_the_address_to_br0_keeps_the_network_working_and_teardown_restores_eth0()
    {
        using var lab = HostNicLab.Create();
        var rootBefore = HostNicLab.RootNetworkState();
        var before = lab.Bridge.Capture("eth0");

        var engine = new TestBuildEngine();
        var configure = new ConfigureBridge
        {
            BuildEngine = engine, Experiment = "hostnic-test", Mode = "host-nic", HostNic = "eth0", HostNicNamespace = lab.Host,
            HostAddress = "10.1.1.254", PrefixLength = 24, Stp = false, ForwardDelaySeconds = 9, HelloTimeSeconds = 2, MaxAgeSeconds = 12,
        };
        Assert.True(configure.Execute(), engine.ErrorText);
        var state = new LabState(configure.Namespace);
        try
        {
            Assert.Equal(lab.Host, state.NetworkNamespace);
            Assert.True(File.Exists(state.HostNicSnapshotFile), "the NIC's state must be saved before it is changed");

            var br0 = lab.HostJson("addr", "show", "dev", "br0")[0]!["addr_info"]!.AsArray()
                .Select(a => $"{a!["local"]}/{a["prefixlen"]} {a["label"]}").ToList();
            Assert.Contains("192.0.2.10/24 br0", br0);
            Assert.Contains("10.1.1.254/24 br0:0", br0);
            var eth0 = lab.HostJson("link", "show", "dev", "eth0")[0]!;
            Assert.Equal("br0", (string?)eth0["master"]);
            Assert.Contains(lab.HostJson("route", "show", "default"), r => (string?)r!["dev"] == "br0" && (string?)r["gateway"] == "192.0.2.1");
            var bridge = lab.HostJson("-d", "link", "show", "dev", "br0")[0]!["linkinfo"]!["info_data"]!;
            Assert.Equal(900, (int)bridge["forward_delay"]!);
            Assert.Equal(200, (int)bridge["hello_time"]!);
            Assert.Equal(1200, (int)bridge["max_age"]!);
            Assert.True(lab.Ping(lab.Lan, "192.0.2.10"), "the other machine must still reach the host through the bridge");
            Assert.True(lab.Ping(lab.Host, "192.0.2.1"), "the host must still reach its gateway through the bridge");
        }
        finally
        {
            var teardown = new TeardownLab { BuildEngine = engine, Namespace = configure.Namespace };
            Assert.True(teardown.Execute(), engine.ErrorText);
        }

        Assert.Equal(before.Describe(), lab.Bridge.Capture("eth0").Describe());
        Assert.False(lab.Bridge.Exists("br0"));
        Assert.False(Directory.Exists(state.Directory));
        Assert.True(File.Exists($"/var/run/netns/{lab.Host}"), "teardown must not delete a namespace the lab does not own");
        Assert.Equal(rootBefore, HostNicLab.RootNetworkState());
    }
}
