using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// The evidence for question A (how the VM's network is set up), collected from a namespace (or
/// the root one when null): addresses and routes, the bridge's ports, forwarding database and
/// STP parameters, as the tools printed them (text and JSON) plus the parsed facts. With the
/// NIC's snapshot it also renders the equivalent permanent configuration for ifupdown and netplan.
/// </summary>
public sealed record NetworkEvidence(
    string? Namespace,
    string Bridge,
    string AddressesText,
    string RoutesText,
    string BridgeLinkText,
    string BridgeFdbText,
    string AddressesJson,
    string RoutesJson,
    string BridgeLinkJson,
    string BridgeFdbJson,
    string BridgeDetailsJson,
    BridgeParameters Parameters,
    IReadOnlyList<BridgeAddress> BridgeAddresses,
    IReadOnlyList<BridgePort> Ports,
    DefaultRoute? DefaultRoute,
    IReadOnlyList<FdbEntry> Fdb,
    string? Interfaces,
    string? Netplan)
{
    /// <summary>Collects the live evidence; no permanent configuration (isolated labs have no NIC to make permanent).</summary>
    public static NetworkEvidence Collect(string? netns, string bridge = LabNetwork.Bridge, TimeSpan? timeout = null)
    {
        if (netns is not null) InterfaceName.ValidateNamespace(netns);
        InterfaceName.Validate(bridge, "bridge");
        var run = new NetnsCommands(netns, timeout ?? TimeSpan.FromSeconds(20));
        string Ip(params string[] args) => run.IpChecked(args).StandardOutput;
        string BridgeTool(params string[] args) => run.BridgeChecked(args).StandardOutput;
        if (!run.Ip(["-j", "link", "show", "dev", bridge]).Succeeded)
            throw new LabException(LabCodes.LabNetwork, $"There is no bridge '{bridge}'{(netns is null ? "" : $" in network namespace '{netns}'")} to collect evidence from.",
                "collect the evidence while the lab network is up (after ConfigureBridge, before teardown).");

        var addressesJson = Ip("-j", "addr");
        var routesJson = Ip("-j", "route");
        var linkJson = BridgeTool("-j", "link");
        var fdbJson = BridgeTool("-j", "fdb", "show", "br", bridge);
        var detailsJson = Ip("-j", "-d", "link", "show", "dev", bridge);
        return new NetworkEvidence(
            netns, bridge,
            AddressesText: Ip("addr"),
            RoutesText: Ip("route"),
            BridgeLinkText: BridgeTool("link"),
            BridgeFdbText: BridgeTool("fdb", "show", "br", bridge),
            addressesJson, routesJson, linkJson, fdbJson, detailsJson,
            ParseParameters(detailsJson),
            ParseBridgeAddresses(addressesJson, bridge),
            ParsePorts(linkJson, bridge),
            ParseDefaultRoute(routesJson),
            ParseFdb(fdbJson),
            Interfaces: null,
            Netplan: null);
    }

    /// <summary>Collects the live evidence of a host-NIC bridge and renders its permanent configuration.</summary>
    public static NetworkEvidence Collect(string? netns, HostNicBridge.Snapshot snapshot, BridgeOptions options, TimeSpan? timeout = null) =>
        Collect(netns, options.Bridge, timeout) with
        {
            Interfaces = RenderInterfaces(snapshot, options),
            Netplan = RenderNetplan(snapshot, options),
        };

    /// <summary>Writes every artifact atomically; `interfaces` and `netplan.yaml` only when rendered.</summary>
    public void WriteArtifacts(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "addresses.txt"), AddressesText);
        AtomicFile.WriteAllText(Path.Combine(directory, "routes.txt"), RoutesText);
        AtomicFile.WriteAllText(Path.Combine(directory, "bridge-link.txt"), BridgeLinkText);
        AtomicFile.WriteAllText(Path.Combine(directory, "bridge-fdb.txt"), BridgeFdbText);
        if (Interfaces is not null) AtomicFile.WriteAllText(Path.Combine(directory, "interfaces"), Interfaces);
        if (Netplan is not null) AtomicFile.WriteAllText(Path.Combine(directory, "netplan.yaml"), Netplan);
        AtomicFile.WriteAllText(Path.Combine(directory, "evidence.json"), ToJson());
    }

    /// <summary>The parsed facts, with the tools' JSON output embedded as JSON (not as strings).</summary>
    public string ToJson()
    {
        var serialize = HostNicBridge.Snapshot.Json;
        var root = new JsonObject
        {
            ["namespace"] = Namespace,
            ["bridge"] = Bridge,
            ["parameters"] = JsonSerializer.SerializeToNode(Parameters, serialize),
            ["bridgeAddresses"] = JsonSerializer.SerializeToNode(BridgeAddresses, serialize),
            ["ports"] = JsonSerializer.SerializeToNode(Ports, serialize),
            ["defaultRoute"] = DefaultRoute is null ? null : JsonSerializer.SerializeToNode(DefaultRoute, serialize),
            ["fdb"] = JsonSerializer.SerializeToNode(Fdb, serialize),
            ["raw"] = new JsonObject
            {
                ["ip -j addr"] = ParseOrText(AddressesJson),
                ["ip -j route"] = ParseOrText(RoutesJson),
                ["bridge -j link"] = ParseOrText(BridgeLinkJson),
                [$"bridge -j fdb show br {Bridge}"] = ParseOrText(BridgeFdbJson),
                [$"ip -j -d link show {Bridge}"] = ParseOrText(BridgeDetailsJson),
            },
            ["interfaces"] = Interfaces,
            ["netplan"] = Netplan,
        };
        return root.ToJsonString(serialize) + "\n";
    }

    // ---- parsing (static, so tests can feed captured output) ----

    internal static BridgeParameters ParseParameters(string detailsJson)
    {
        var data = Array(detailsJson).FirstOrDefault()?["linkinfo"]?["info_data"]
            ?? throw new LabException(LabCodes.LabNetwork, "`ip -d link show` printed no bridge details.", "check that the interface is a bridge.");
        // The kernel reports the timers in centiseconds (USER_HZ).
        double Seconds(string key) => (IpJson.Double(data[key]) ?? 0) / 100.0;
        return new BridgeParameters(
            (IpJson.Int(data["stp_state"]) ?? 0) != 0,
            Seconds("forward_delay"), Seconds("hello_time"), Seconds("max_age"), Seconds("ageing_time"));
    }

    internal static List<BridgeAddress> ParseBridgeAddresses(string addressesJson, string bridge) =>
        Array(addressesJson).Where(l => IpJson.Str(l?["ifname"]) == bridge)
            .SelectMany(l => IpJson.ParseAddresses([l!.DeepClone()]))
            .Select(a => new BridgeAddress(a.Cidr, a.Label))
            .ToList();

    internal static List<BridgePort> ParsePorts(string linkJson, string bridge) =>
        Array(linkJson).Where(p => IpJson.Str(p?["master"]) == bridge)
            .Select(p => new BridgePort(IpJson.Str(p!["ifname"]) ?? "", IpJson.Str(p["state"])))
            .ToList();

    internal static DefaultRoute? ParseDefaultRoute(string routesJson) =>
        Array(routesJson).Where(r => IpJson.Str(r?["dst"]) == "default")
            .Select(r => new DefaultRoute(IpJson.Str(r!["gateway"]), IpJson.Str(r["dev"]) ?? "", IpJson.Int(r["metric"])))
            .OrderBy(r => r.Metric ?? 0)
            .FirstOrDefault();

    internal static List<FdbEntry> ParseFdb(string fdbJson) =>
        Array(fdbJson).Select(e => new FdbEntry(
                IpJson.Str(e?["mac"]) ?? "",
                IpJson.Str(e?["ifname"]) ?? "",
                IpJson.Str(e?["master"]),
                IpJson.Str(e?["state"]),
                string.Join(',', IpJson.Strings(e?["flags"]))))
            .ToList();

    private static JsonArray Array(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonNode.Parse(json)?.AsArray() ?? [];

    private static JsonNode? ParseOrText(string json)
    {
        try { return string.IsNullOrWhiteSpace(json) ? new JsonArray() : JsonNode.Parse(json); }
        catch (JsonException) { return JsonValue.Create(json); }
    }

    // ---- permanent configuration ----

    /// <summary>
    /// /etc/network/interfaces for ifupdown (with bridge-utils), laid out like the homework's file:
    /// the NIC `manual`, br0 static with the NIC's address and gateway plus the bridge_* options,
    /// and the lab address as the alias br0:0.
    /// </summary>
    public static string RenderInterfaces(HostNicBridge.Snapshot snapshot, BridgeOptions options)
    {
        options.Validate();
        var nic = snapshot.Nic;
        var br = options.Bridge;
        var (labIp, labPrefix) = options.ParseLabAddress();
        var gateway = snapshot.DefaultRoute;
        var sb = new StringBuilder();
        sb.Append($"# /etc/network/interfaces: the bridge VirtLab set up on {nic}, made permanent (ifupdown; bridge_* needs bridge-utils).\n");
        sb.Append($"# Rendered from the state {nic} had before it was bridged.\n\n");
        sb.Append("auto lo\niface lo inet loopback\n\n");
        sb.Append($"# {nic} keeps no address: it is a port of {br}, which takes over its address and default route.\n");
        sb.Append($"iface {nic} inet manual\n");
        if (snapshot.Link.Mtu is not 1500 and > 0) sb.Append($"    mtu {Invariant(snapshot.Link.Mtu)}\n");
        sb.Append('\n');

        sb.Append($"auto {br}\n");
        var primary = snapshot.Addresses.FirstOrDefault();
        if (primary is null)
        {
            sb.Append($"iface {br} inet manual\n");
        }
        else
        {
            sb.Append($"iface {br} inet static\n");
            AppendAddress(sb, primary);
            if (gateway?.Gateway is { } gw)
            {
                sb.Append($"    gateway {gw}\n");
                if (gateway.Metric is { } metric) sb.Append($"    metric {Invariant(metric)}\n");
            }
        }
        sb.Append($"    bridge_ports {nic}\n");
        sb.Append($"    bridge_fd {Invariant(options.ForwardDelaySeconds)}\n");
        sb.Append($"    bridge_hello {Invariant(options.HelloTimeSeconds)}\n");
        sb.Append($"    bridge_maxage {Invariant(options.MaxAgeSeconds)}\n");
        sb.Append($"    bridge_stp {(options.Stp ? "on" : "off")}\n");
        if (snapshot.Link.Mtu is not 1500 and > 0) sb.Append($"    mtu {Invariant(snapshot.Link.Mtu)}\n");
        foreach (var route in ExtraRoutes(snapshot))
            sb.Append($"    up ip route add {route.Destination}{(route.Gateway is null ? "" : $" via {route.Gateway}")} dev {br}{(route.Metric is { } m ? $" metric {Invariant(m)}" : "")}\n");

        // Further addresses of the NIC become aliases after the lab's br0:0.
        var alias = 1;
        foreach (var extra in snapshot.Addresses.Skip(1))
        {
            var name = $"{br}:{Invariant(alias++)}";
            sb.Append($"\nauto {name}\niface {name} inet static\n");
            AppendAddress(sb, extra);
        }

        sb.Append($"\n# The lab network's host-side address: a second address on {br}, labelled {options.LabLabel}.\n");
        sb.Append($"auto {options.LabLabel}\n");
        sb.Append($"iface {options.LabLabel} inet static\n");
        sb.Append($"    address {labIp}\n");
        sb.Append($"    netmask {Netmask(labPrefix)}\n");
        return sb.ToString();
    }

    /// <summary>The same bridge for netplan (e.g. /etc/netplan/60-virtlab.yaml).</summary>
    public static string RenderNetplan(HostNicBridge.Snapshot snapshot, BridgeOptions options)
    {
        options.Validate();
        var nic = Yaml(snapshot.Nic);
        var br = Yaml(options.Bridge);
        var sb = new StringBuilder();
        sb.Append($"# netplan: the bridge VirtLab set up on {snapshot.Nic}, made permanent. Rendered from the state {snapshot.Nic} had before.\n");
        sb.Append("network:\n  version: 2\n  ethernets:\n");
        sb.Append($"    {nic}:\n      dhcp4: false\n");
        if (snapshot.Link.Mtu is not 1500 and > 0) sb.Append($"      mtu: {Invariant(snapshot.Link.Mtu)}\n");
        sb.Append("  bridges:\n");
        sb.Append($"    {br}:\n");
        sb.Append($"      interfaces: [{nic}]\n");
        sb.Append("      addresses:\n");
        foreach (var a in snapshot.Addresses) sb.Append($"        - {a.Cidr}\n");
        sb.Append($"        - {options.LabAddress}\n");
        if (snapshot.Link.Mtu is not 1500 and > 0) sb.Append($"      mtu: {Invariant(snapshot.Link.Mtu)}\n");
        var routes = new List<NicRoute>();
        if (snapshot.DefaultRoute is { Gateway: not null } d) routes.Add(d);
        routes.AddRange(ExtraRoutes(snapshot));
        if (routes.Count > 0)
        {
            sb.Append("      routes:\n");
            foreach (var r in routes)
            {
                sb.Append($"        - to: {r.Destination}\n");
                if (r.Gateway is not null) sb.Append($"          via: {r.Gateway}\n");
                else sb.Append("          scope: link\n");
                if (r.Metric is { } metric) sb.Append($"          metric: {Invariant(metric)}\n");
            }
        }
        sb.Append("      parameters:\n");
        sb.Append($"        stp: {(options.Stp ? "true" : "false")}\n");
        sb.Append($"        forward-delay: {Invariant(options.ForwardDelaySeconds)}\n");
        sb.Append($"        hello-time: {Invariant(options.HelloTimeSeconds)}\n");
        sb.Append($"        max-age: {Invariant(options.MaxAgeSeconds)}\n");
        return sb.ToString();
    }

    /// <summary>Static routes of the main table besides the default route (kernel prefix routes come with the addresses).</summary>
    private static IEnumerable<NicRoute> ExtraRoutes(HostNicBridge.Snapshot snapshot) =>
        snapshot.Routes.Where(r => !r.MadeByKernel && !r.IsDefault && r.Table is null);

    private static void AppendAddress(StringBuilder sb, NicAddress a)
    {
        sb.Append($"    address {a.Local}\n");
        sb.Append($"    netmask {Netmask(a.PrefixLength)}\n");
        if (a.Broadcast is not null && a.Broadcast != DefaultBroadcast(a)) sb.Append($"    broadcast {a.Broadcast}\n");
    }

    internal static string Netmask(int prefixLength)
    {
        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, mask);
        return new IPAddress(bytes).ToString();
    }

    private static string? DefaultBroadcast(NicAddress a)
    {
        if (!IPAddress.TryParse(a.Local, out var ip) || a.PrefixLength >= 31) return null;
        var broadcast = BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes()) | (uint.MaxValue >> a.PrefixLength);
        var result = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(result, broadcast);
        return new IPAddress(result).ToString();
    }

    /// <summary>Interface names as YAML scalars: quoted when YAML would read them as a number, bool or null.</summary>
    internal static string Yaml(string name)
    {
        var plain = char.IsAsciiLetter(name[0])
            && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-')
            && !YamlWords.Contains(name.ToLowerInvariant());
        return plain ? name : $"\"{name}\"";
    }

    private static readonly HashSet<string> YamlWords = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
