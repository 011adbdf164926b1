using System.Text.Json.Nodes;
using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Tests;

// Host-NIC tests bridge a veth standing in for eth0; one at a time keeps their namespaces apart and
// lets the root-namespace check see only what the test did.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostNicCollection
{
    public const string Name = "host-nic namespaces";
}

/// <summary>
/// Two namespaces joined by a veth pair, both ends named eth0: "host" (vlhn-…) has 192.0.2.10/24
/// and a default route via 192.0.2.1; "lan" (vlln-…) plays the gateway with 192.0.2.1/24. The
/// pair is created from inside the host namespace (`ip -n`), so the root namespace never sees it.
/// </summary>
public sealed class HostNicLab : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private HostNicLab(string suffix)
    {
        Host = "vlhn-" + suffix;
        Lan = "vlln-" + suffix;
        StateDirectory = Path.Combine(Path.GetTempPath(), "virtlab-hostnic-" + suffix);
    }

    public string Host { get; }
    public string Lan { get; }
    public string StateDirectory { get; }
    public string SnapshotPath => Path.Combine(StateDirectory, HostNicBridge.SnapshotFileName);
    public HostNicBridge Bridge => new(Host);

    public static HostNicLab Create()
    {
        var lab = new HostNicLab(Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(lab.StateDirectory);
            Run("ip", "netns", "add", lab.Host);
            Run("ip", "netns", "add", lab.Lan);
            lab.InHost("link", "set", "lo", "up");
            lab.InLan("link", "set", "lo", "up");
            lab.InHost("link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", lab.Lan);
            lab.InHost("addr", "add", "192.0.2.10/24", "broadcast", "+", "dev", "eth0");
            lab.InHost("link", "set", "eth0", "up");
            lab.InLan("addr", "add", "192.0.2.1/24", "broadcast", "+", "dev", "eth0");
            lab.InLan("link", "set", "eth0", "up");
            lab.InHost("route", "add", "default", "via", "192.0.2.1", "dev", "eth0");
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    public ProcessResult InHost(params string[] args) => Run("ip", ["-n", Host, .. args]);
    public ProcessResult InLan(params string[] args) => Run("ip", ["-n", Lan, .. args]);

    public JsonArray HostJson(params string[] args) => JsonNode.Parse(InHost(["-j", .. args]).StandardOutput)!.AsArray();
    public JsonArray LanJson(params string[] args) => JsonNode.Parse(InLan(["-j", .. args]).StandardOutput)!.AsArray();

    /// <summary>Pings from inside a namespace (busybox ping: exit 0 once any reply came back).</summary>
    public bool Ping(string netns, string target) =>
        ProcessRunner.Run("ip", ["netns", "exec", netns, "busybox", "ping", "-c", "3", "-W", "2", target], TimeSpan.FromSeconds(20)).Succeeded;

    public void Dispose()
    {
        ProcessRunner.Run("ip", ["netns", "del", Host], Bound);
        ProcessRunner.Run("ip", ["netns", "del", Lan], Bound);
        if (Directory.Exists(StateDirectory)) Directory.Delete(StateDirectory, recursive: true);
    }

    private static ProcessResult Run(string file, params string[] args) => ProcessRunner.RunChecked(LabCodes.LabNetwork, file, args, Bound);

    /// <summary>The root namespace's routes (all tables) and addresses, lifetimes left out, as one comparable text.</summary>
    public static string RootNetworkState()
    {
        var routes = ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["-j", "route", "show", "table", "all"], Bound).StandardOutput;
        var routes6 = ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["-6", "-j", "route", "show", "table", "all"], Bound).StandardOutput;
        var links = JsonNode.Parse(ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["-j", "addr"], Bound).StandardOutput)!.AsArray();
        foreach (var address in links.SelectMany(l => l!["addr_info"]!.AsArray()))
        {
            address!.AsObject().Remove("valid_life_time");
            address.AsObject().Remove("preferred_life_time");
        }
        foreach (var link in links) link!.AsObject().Remove("operstate");
        return $"routes: {routes}\nroutes6: {routes6}\naddrs: {links.ToJsonString()}";
    }
}

[Collection(HostNicCollection.Name)]
public sealed class HostNicBridgeTests
{
    private static readonly BridgeOptions Homework = new("eth0");

    [Fact]
    public void Apply_moves_the_address_and_default_route_to_br0_and_adds_the_lab_alias()
    {
        using var lab = HostNicLab.Create();
        lab.Bridge.Apply(Homework, lab.SnapshotPath);

        var br0 = lab.HostJson("-4", "addr", "show", "dev", "br0")[0]!["addr_info"]!.AsArray();
        Assert.Contains(br0, a => (string)a!["local"]! == "192.0.2.10" && (int)a["prefixlen"]! == 24 && (string)a["label"]! == "br0");
        Assert.Contains(br0, a => (string)a!["local"]! == "10.1.1.254" && (int)a["prefixlen"]! == 24 && (string)a["label"]! == "br0:0");

        var eth0 = lab.HostJson("link", "show", "dev", "eth0")[0]!;
        Assert.Equal("br0", (string?)eth0["master"]);
        Assert.Contains("UP", eth0["flags"]!.AsArray().Select(f => (string)f!));
        Assert.Empty(lab.HostJson("-4", "addr", "show", "dev", "eth0").SelectMany(l => l!["addr_info"]!.AsArray()));

        var routes = lab.HostJson("-4", "route", "show");
        var defaultRoute = Assert.Single(routes, r => (string)r!["dst"]! == "default");
        Assert.Equal("192.0.2.1", (string?)defaultRoute!["gateway"]);
        Assert.Equal("br0", (string?)defaultRoute["dev"]);
        Assert.DoesNotContain(routes, r => (string)r!["dev"]! == "eth0");

        var info = lab.HostJson("-d", "link", "show", "dev", "br0")[0]!["linkinfo"]!["info_data"]!;
        Assert.Equal(0, (int)info["stp_state"]!);
        Assert.Equal(900, (int)info["forward_delay"]!);
        Assert.Equal(200, (int)info["hello_time"]!);
        Assert.Equal(1200, (int)info["max_age"]!);
        // br0 took eth0's MAC, so the gateway's ARP entry for 192.0.2.10 stays right.
        Assert.Equal((string?)eth0["address"], (string?)lab.HostJson("link", "show", "dev", "br0")[0]!["address"]);
    }

    [Fact]
    public void Other_bridge_parameters_are_applied_as_requested()
    {
        using var lab = HostNicLab.Create();
        lab.Bridge.Apply(Homework with { Stp = true, ForwardDelaySeconds = 4, HelloTimeSeconds = 1, MaxAgeSeconds = 6 }, lab.SnapshotPath);

        var info = lab.HostJson("-d", "link", "show", "dev", "br0")[0]!["linkinfo"]!["info_data"]!;
        Assert.NotEqual(0, (int)info["stp_state"]!);
        Assert.Equal(400, (int)info["forward_delay"]!);
        Assert.Equal(100, (int)info["hello_time"]!);
        Assert.Equal(600, (int)info["max_age"]!);
    }

    [Fact]
    public void Traffic_crosses_the_bridge_both_ways()
    {
        using var lab = HostNicLab.Create();
        Assert.True(lab.Ping(lab.Host, "192.0.2.1"), "the veth pair itself does not work");
        lab.Bridge.Apply(Homework, lab.SnapshotPath);

        Assert.True(lab.Ping(lab.Host, "192.0.2.1"), "host → gateway through br0 failed");
        Assert.True(lab.Ping(lab.Lan, "192.0.2.10"), "gateway → host through br0 failed");
        // The lab address answers on the same bridge once the lan side has a route to it.
        lab.InLan("route", "add", "10.1.1.0/24", "via", "192.0.2.10");
        Assert.True(lab.Ping(lab.Lan, "10.1.1.254"), "gateway → lab address on br0:0 failed");
    }

    [Fact]
    public void Restore_returns_eth0_exactly_and_removes_br0()
    {
        using var lab = HostNicLab.Create();
        var bridge = lab.Bridge;
        var before = bridge.Capture("eth0");
        var applied = bridge.Apply(Homework, lab.SnapshotPath);
        Assert.Equal(before.Describe(), applied.Describe());

        bridge.Restore(applied);

        var after = bridge.Capture("eth0");
        Assert.Equal(before.Describe(), after.Describe());
        Assert.Equal(before.Link, after.Link);
        Assert.Null(after.Link.Master);
        Assert.Equal(before.Addresses, after.Addresses);
        Assert.Equal(before.Routes, after.Routes);
        Assert.Contains(after.Routes, r => r.IsDefault && r.Gateway == "192.0.2.1");
        Assert.False(bridge.Exists("br0"));
        Assert.True(lab.Ping(lab.Host, "192.0.2.1"));

        bridge.Restore(applied); // twice is harmless
        Assert.Equal(before.Describe(), bridge.Capture("eth0").Describe());
    }

    [Fact]
    public void A_fresh_instance_restores_from_the_file_saved_before_Apply()
    {
        using var lab = HostNicLab.Create();
        var before = lab.Bridge.Capture("eth0");
        lab.Bridge.Apply(Homework, lab.SnapshotPath);

        var saved = HostNicBridge.Snapshot.Load(lab.SnapshotPath);
        Assert.Equal(before.Describe(), saved.Describe());
        Assert.Equal("br0", saved.Bridge);
        Assert.Equal(lab.Host, saved.Netns);

        Assert.True(new HostNicBridge(lab.Host).RestoreFromFile(lab.SnapshotPath));
        Assert.Equal(before.Describe(), new HostNicBridge(lab.Host).Capture("eth0").Describe());
        Assert.False(new HostNicBridge(lab.Host).Exists("br0"));
        Assert.False(File.Exists(lab.SnapshotPath));
        Assert.False(new HostNicBridge(lab.Host).RestoreFromFile(lab.SnapshotPath));
    }

    [Fact]
    public void Restore_repairs_a_bridge_left_half_built()
    {
        using var lab = HostNicLab.Create();
        var before = lab.Bridge.Capture("eth0");
        var snapshot = before with { Bridge = "br0" };
        snapshot.Save(lab.SnapshotPath);
        // As if Apply died after enslaving eth0 and removing its address: no address, no default route.
        lab.InHost("link", "add", "br0", "type", "bridge");
        lab.InHost("link", "set", "eth0", "master", "br0");
        lab.InHost("-4", "addr", "flush", "dev", "eth0");

        new HostNicBridge(lab.Host).RestoreFromFile(lab.SnapshotPath);

        Assert.Equal(before.Describe(), lab.Bridge.Capture("eth0").Describe());
        Assert.False(lab.Bridge.Exists("br0"));
    }

    [Fact]
    public void A_restored_down_link_with_another_mtu_comes_back_down_with_its_mtu()
    {
        using var lab = HostNicLab.Create();
        lab.InHost("link", "set", "eth0", "mtu", "1400");
        lab.InHost("link", "set", "eth0", "down");
        var before = lab.Bridge.Capture("eth0");
        Assert.False(before.Link.Up);

        lab.Bridge.Apply(Homework, lab.SnapshotPath);
        new HostNicBridge(lab.Host).RestoreFromFile(lab.SnapshotPath);

        var after = lab.Bridge.Capture("eth0");
        Assert.Equal(before.Describe(), after.Describe());
        Assert.Equal(1400, after.Link.Mtu);
        Assert.False(after.Link.Up);
    }

    [Fact]
    public void Apply_refuses_an_existing_bridge_or_an_enslaved_nic_without_changing_anything()
    {
        using var lab = HostNicLab.Create();
        var before = lab.Bridge.Capture("eth0");
        lab.InHost("link", "add", "br0", "type", "bridge");

        var e = Assert.Throws<LabException>(() => lab.Bridge.Apply(Homework, lab.SnapshotPath));
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.Contains("br0", e.Message);
        Assert.False(File.Exists(lab.SnapshotPath));
        Assert.Equal(before.Describe(), lab.Bridge.Capture("eth0").Describe());

        lab.InHost("link", "set", "eth0", "master", "br0");
        e = Assert.Throws<LabException>(() => lab.Bridge.Apply(Homework with { Bridge = "br1" }, lab.SnapshotPath));
        Assert.Contains("already a port", e.Message);
        Assert.False(lab.Bridge.Exists("br1"));

        e = Assert.Throws<LabException>(() => lab.Bridge.Capture("eth9"));
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.NotNull(e.Fix);
    }

    [Fact]
    public void Apply_refuses_a_lab_address_the_nic_already_has()
    {
        using var lab = HostNicLab.Create();
        var e = Assert.Throws<LabException>(() => lab.Bridge.Apply(Homework with { LabAddress = "192.0.2.10/24" }, lab.SnapshotPath));
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.False(lab.Bridge.Exists("br0"));
    }

    [Fact]
    public void A_snapshot_is_only_restored_in_its_own_namespace()
    {
        using var lab = HostNicLab.Create();
        var snapshot = lab.Bridge.Capture("eth0");
        var e = Assert.Throws<LabException>(() => new HostNicBridge(lab.Lan).Restore(snapshot));
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.Contains(lab.Host, e.Message);
    }

    [Fact]
    public void The_root_namespace_is_untouched()
    {
        var before = HostNicLab.RootNetworkState();
        using (var lab = HostNicLab.Create())
        {
            var bridge = lab.Bridge;
            bridge.Apply(Homework, lab.SnapshotPath);
            Assert.True(lab.Ping(lab.Host, "192.0.2.1"));
            NetworkEvidence.Collect(lab.Host, HostNicBridge.Snapshot.Load(lab.SnapshotPath), Homework);
            new HostNicBridge(lab.Host).RestoreFromFile(lab.SnapshotPath);
        }
        Assert.Equal(before, HostNicLab.RootNetworkState());
    }
}

/// <summary>Validation needs no namespace: every bad value is refused before a command runs.</summary>
public sealed class HostNicOptionsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("averyveryverylongname")] // 21 > 15
    [InlineData("eth 0")]
    [InlineData("eth0;rm")]
    [InlineData("eth/0")]
    [InlineData("-eth0")]
    [InlineData("..")]
    [InlineData("eth0:1")]
    public void Invalid_nic_names_are_refused(string nic) => AssertRefused(new BridgeOptions(nic));

    [Theory]
    [InlineData("br 0")]
    [InlineData("eth0")] // the NIC itself
    [InlineData("br0-is-too-long")] // 15 characters, but br0-is-too-long:0 would not fit a label
    public void Invalid_bridge_names_are_refused(string bridge) => AssertRefused(new BridgeOptions("eth0", bridge));

    [Theory]
    [InlineData("10.1.1.254")]
    [InlineData("10.1.1.254/33")]
    [InlineData("10.1.1.254/0")]
    [InlineData("10.1.1.256/24")]
    [InlineData("10.1/24")]
    [InlineData("fd00::1/64")]
    [InlineData("ten/24")]
    public void Invalid_lab_addresses_are_refused(string address) => AssertRefused(new BridgeOptions("eth0", LabAddress: address));

    [Theory]
    [InlineData(true, 1, 2, 12)]   // forward delay below 2 s with STP on
    [InlineData(false, 31, 2, 12)]
    [InlineData(false, -1, 2, 12)]
    [InlineData(false, 9, 0, 12)]  // hello 1–10
    [InlineData(false, 9, 11, 12)]
    [InlineData(false, 9, 2, 5)]   // max age 6–40
    [InlineData(false, 9, 2, 41)]
    public void Out_of_range_timers_are_refused(bool stp, int forwardDelay, int hello, int maxAge) =>
        AssertRefused(new BridgeOptions("eth0", Stp: stp, ForwardDelaySeconds: forwardDelay, HelloTimeSeconds: hello, MaxAgeSeconds: maxAge));

    [Theory]
    [InlineData(false, 0, 1, 6)]
    [InlineData(true, 2, 10, 40)]
    [InlineData(false, 30, 2, 12)]
    public void Timers_at_the_kernel_limits_are_accepted(bool stp, int forwardDelay, int hello, int maxAge) =>
        new BridgeOptions("eth0", Stp: stp, ForwardDelaySeconds: forwardDelay, HelloTimeSeconds: hello, MaxAgeSeconds: maxAge).Validate();

    [Fact]
    public void The_defaults_are_the_homework_values_in_centiseconds()
    {
        var options = new BridgeOptions("eth0");
        options.Validate();
        Assert.Equal("br0:0", options.LabLabel);
        Assert.Equal(["type", "bridge", "forward_delay", "900", "hello_time", "200", "max_age", "1200", "stp_state", "0"], options.BridgeTypeArguments());
    }

    [Fact]
    public void Invalid_namespace_names_are_refused()
    {
        var e = Assert.Throws<LabException>(() => new HostNicBridge("-n"));
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.Throws<LabException>(() => new HostNicBridge("a/b"));
    }

    [Fact]
    public void A_damaged_snapshot_file_is_refused_with_a_fix()
    {
        var path = Path.Combine(Path.GetTempPath(), $"virtlab-snapshot-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{ not json");
            var e = Assert.Throws<LabException>(() => HostNicBridge.Snapshot.Load(path));
            Assert.Equal(LabCodes.LabNetwork, e.Code);
            Assert.NotNull(e.Fix);

            File.WriteAllText(path, """{"format":1,"nic":"eth0;x","link":{"name":"eth0","up":true,"mtu":1500},"addresses":[],"routes":[],"capturedAt":"2024-01-01T00:00:00Z"}""");
            Assert.Equal(LabCodes.LabNetwork, Assert.Throws<LabException>(() => HostNicBridge.Snapshot.Load(path)).Code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Labels_follow_the_address_to_the_bridge()
    {
        Assert.Equal("br0", HostNicBridge.BridgeLabel("eth0", "eth0", "br0"));
        Assert.Equal("br0:1", HostNicBridge.BridgeLabel("eth0:1", "eth0", "br0"));
        Assert.Equal("br0", HostNicBridge.BridgeLabel(null, "eth0", "br0"));
        Assert.Equal("br0", HostNicBridge.BridgeLabel("eth01", "eth0", "br0"));
    }

    private static void AssertRefused(BridgeOptions options)
    {
        var e = Assert.Throws<LabException>(options.Validate);
        Assert.Equal(LabCodes.LabNetwork, e.Code);
        Assert.False(string.IsNullOrWhiteSpace(e.Fix));
    }
}
