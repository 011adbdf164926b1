using System.Text.Json.Nodes;
using VirtLab.Lab;
using YamlDotNet.RepresentationModel;

namespace VirtLab.Tests;

/// <summary>Rendering the permanent configuration: no namespace needed, the snapshot is built by hand.</summary>
public sealed class NetworkEvidenceRenderingTests
{
    // The homework's host: 140.114.28.143/24 via 140.114.28.254 on eth0.
    private static readonly HostNicBridge.Snapshot HomeworkHost = new(
        HostNicBridge.Snapshot.CurrentFormat, null, "eth0",
        new NicLink("eth0", true, 1500, null, "52:54:00:12:34:56"),
        [new NicAddress("140.114.28.143", 24, "140.114.28.255", "global", "eth0")],
        [
            new NicRoute("default", "140.114.28.254", "eth0", null, null, null, null, null),
            new NicRoute("140.114.28.0/24", null, "eth0", null, "kernel", "link", null, "140.114.28.143"),
        ],
        "br0", DateTimeOffset.UnixEpoch);

    private static readonly BridgeOptions Homework = new("eth0");

    [Fact]
    public void Ifupdown_file_mirrors_the_homework()
    {
        var text = NetworkEvidence.RenderInterfaces(HomeworkHost, Homework);
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();

        Assert.Contains("iface eth0 inet manual", lines);
        Assert.Contains("auto br0", lines);
        Assert.Contains("iface br0 inet static", lines);
        Assert.Contains("address 140.114.28.143", lines);
        Assert.Contains("netmask 255.255.255.0", lines);
        Assert.Contains("gateway 140.114.28.254", lines);
        Assert.Contains("bridge_ports eth0", lines);
        Assert.Contains("bridge_fd 9", lines);
        Assert.Contains("bridge_hello 2", lines);
        Assert.Contains("bridge_maxage 12", lines);
        Assert.Contains("bridge_stp off", lines);
        Assert.Contains("auto br0:0", lines);
        Assert.Contains("iface br0:0 inet static", lines);
        Assert.Contains("address 10.1.1.254", lines);
        // The default broadcast is implied, and the kernel prefix route is not a static route.
        Assert.DoesNotContain(lines, l => l.StartsWith("broadcast") || l.StartsWith("up ip route"));

        // The alias stanza comes after br0's and carries the lab netmask.
        var alias = text[text.IndexOf("iface br0:0 inet static", StringComparison.Ordinal)..];
        Assert.Contains("address 10.1.1.254\n    netmask 255.255.255.0\n", alias);
        Assert.True(text.IndexOf("iface br0 inet static", StringComparison.Ordinal) < text.IndexOf("iface br0:0", StringComparison.Ordinal));
    }

    [Fact]
    public void Ifupdown_file_follows_other_options()
    {
        var host = HomeworkHost with
        {
            Addresses = [.. HomeworkHost.Addresses, new NicAddress("198.51.100.7", 25, null, "global", "eth0:1")],
            Routes = [new NicRoute("default", "140.114.28.254", "eth0", 100, null, null, null, null), new NicRoute("203.0.113.0/24", "140.114.28.1", "eth0", null, null, null, null, null)],
        };
        var text = NetworkEvidence.RenderInterfaces(host, Homework with { Stp = true, ForwardDelaySeconds = 15, LabAddress = "10.9.0.1/16" });

        Assert.Contains("bridge_stp on", text);
        Assert.Contains("bridge_fd 15", text);
        Assert.Contains("metric 100", text);
        Assert.Contains("up ip route add 203.0.113.0/24 via 140.114.28.1 dev br0", text);
        Assert.Contains("iface br0:1 inet static\n    address 198.51.100.7\n    netmask 255.255.255.128\n", text);
        Assert.Contains("iface br0:0 inet static\n    address 10.9.0.1\n    netmask 255.255.0.0\n", text);
    }

    [Fact]
    public void Netplan_yaml_parses_with_the_homework_values()
    {
        var yaml = NetworkEvidence.RenderNetplan(HomeworkHost, Homework);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var network = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["network"];

        Assert.Equal("2", Scalar(network["version"]));
        var eth0 = (YamlMappingNode)((YamlMappingNode)network["ethernets"])["eth0"];
        Assert.Equal("false", Scalar(eth0["dhcp4"]));

        var br0 = (YamlMappingNode)((YamlMappingNode)network["bridges"])["br0"];
        Assert.Equal(["eth0"], ((YamlSequenceNode)br0["interfaces"]).Select(Scalar));
        Assert.Equal(["140.114.28.143/24", "10.1.1.254/24"], ((YamlSequenceNode)br0["addresses"]).Select(Scalar));
        var route = (YamlMappingNode)Assert.Single((YamlSequenceNode)br0["routes"]);
        Assert.Equal("default", Scalar(route["to"]));
        Assert.Equal("140.114.28.254", Scalar(route["via"]));

        var parameters = (YamlMappingNode)br0["parameters"];
        Assert.Equal("false", Scalar(parameters["stp"]));
        Assert.Equal("9", Scalar(parameters["forward-delay"]));
        Assert.Equal("2", Scalar(parameters["hello-time"]));
        Assert.Equal("12", Scalar(parameters["max-age"]));
    }

    [Fact]
    public void Names_yaml_would_misread_are_quoted()
    {
        Assert.Equal("eth0", NetworkEvidence.Yaml("eth0"));
        Assert.Equal("\"123\"", NetworkEvidence.Yaml("123"));
        Assert.Equal("\"no\"", NetworkEvidence.Yaml("no"));
        Assert.Equal("255.255.255.0", NetworkEvidence.Netmask(24));
        Assert.Equal("255.255.255.255", NetworkEvidence.Netmask(32));
        Assert.Equal("255.255.240.0", NetworkEvidence.Netmask(20));
    }

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;
}

[Collection(HostNicCollection.Name)]
public sealed class NetworkEvidenceTests
{
    private static readonly BridgeOptions Homework = new("eth0");

    [Fact]
    public void Evidence_from_a_bridged_namespace_shows_the_homework_setup()
    {
        using var lab = HostNicLab.Create();
        var snapshot = lab.Bridge.Apply(Homework, lab.SnapshotPath);
        Assert.True(lab.Ping(lab.Host, "192.0.2.1"));
        var gatewayMac = (string)lab.LanJson("link", "show", "dev", "eth0")[0]!["address"]!;

        var evidence = NetworkEvidence.Collect(lab.Host, snapshot, Homework);

        Assert.Equal(new BridgeParameters(false, 9, 2, 12, evidence.Parameters.AgeingTimeSeconds), evidence.Parameters);
        Assert.Contains(new BridgeAddress("192.0.2.10/24", "br0"), evidence.BridgeAddresses);
        Assert.Contains(new BridgeAddress("10.1.1.254/24", "br0:0"), evidence.BridgeAddresses);
        Assert.Equal(new DefaultRoute("192.0.2.1", "br0", null), evidence.DefaultRoute);
        Assert.Equal(new BridgePort("eth0", "forwarding"), Assert.Single(evidence.Ports));
        // The gateway's MAC was learned on the eth0 port: the bridge really forwards for the host.
        Assert.Contains(evidence.Fdb, e => e.Mac == gatewayMac && e.Device == "eth0" && e.State != "permanent");
        Assert.Contains(gatewayMac, evidence.BridgeFdbText);
        Assert.Contains("inet 10.1.1.254/24", evidence.AddressesText);
        Assert.Contains("br0:0", evidence.AddressesText);
        Assert.Contains("default via 192.0.2.1 dev br0", evidence.RoutesText);
        Assert.Contains("master br0", evidence.BridgeLinkText);
        Assert.Contains("bridge_ports eth0", evidence.Interfaces);
        Assert.Contains("address 192.0.2.10", evidence.Interfaces);
        Assert.Contains("gateway 192.0.2.1", evidence.Interfaces);
        Assert.Contains("- 192.0.2.10/24", evidence.Netplan);

        var directory = Path.Combine(lab.StateDirectory, "evidence");
        evidence.WriteArtifacts(directory);
        string[] expected = ["addresses.txt", "bridge-fdb.txt", "bridge-link.txt", "evidence.json", "interfaces", "netplan.yaml", "routes.txt"];
        Assert.Equal(expected, Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(evidence.Interfaces, File.ReadAllText(Path.Combine(directory, "interfaces")));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "evidence.json")))!;
        Assert.Equal(9.0, (double)json["parameters"]!["forwardDelaySeconds"]!);
        Assert.Equal("192.0.2.1", (string?)json["defaultRoute"]!["gateway"]);
        Assert.IsType<JsonArray>(json["raw"]!["ip -j route"]);
    }

    [Fact]
    public void Evidence_without_a_snapshot_has_no_permanent_configuration()
    {
        using var lab = HostNicLab.Create();
        lab.Bridge.Apply(Homework, lab.SnapshotPath);

        var evidence = NetworkEvidence.Collect(lab.Host);
        Assert.Null(evidence.Interfaces);
        Assert.Null(evidence.Netplan);
        var directory = Path.Combine(lab.StateDirectory, "evidence");
        evidence.WriteArtifacts(directory);
        Assert.False(File.Exists(Path.Combine(directory, "interfaces")));
        Assert.True(File.Exists(Path.Combine(directory, "evidence.json")));
    }

    [Fact]
    public void Evidence_of_a_missing_bridge_is_a_lab_error()
    {
        using var lab = HostNicLab.Create();
        var e = Assert.Throws<VirtLab.Util.LabException>(() => NetworkEvidence.Collect(lab.Host));
        Assert.Equal(VirtLab.Util.LabCodes.LabNetwork, e.Code);
        Assert.NotNull(e.Fix);
    }
}
