using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// Host-NIC mode of the lab network: the homework's set-up on a real machine. The NIC is enslaved to
/// a bridge that takes over its IPv4 addresses and routes and also carries the lab address; the NIC's
/// state is captured and saved first, so <see cref="Restore"/> — in this process or another one —
/// puts it back exactly. Every command runs in <c>netns</c> when one is given (tests always give one);
/// null means the root namespace, i.e. the real host.
/// </summary>
public sealed class HostNicBridge
{
    /// <summary>The file name of the saved snapshot inside a lab's state folder.</summary>
    public const string SnapshotFileName = "host-nic.json";

    private readonly NetnsCommands _commands;

    public HostNicBridge(string? netns, TimeSpan? timeout = null)
    {
        if (netns is not null) InterfaceName.ValidateNamespace(netns);
        Netns = netns;
        _commands = new NetnsCommands(netns, timeout ?? TimeSpan.FromSeconds(20));
    }

    public string? Netns { get; }

    /// <summary>The NIC's IPv4 state: addresses, the routes that use it, link state, MTU and master.</summary>
    public Snapshot Capture(string nic)
    {
        InterfaceName.Validate(nic, "NIC");
        var link = ReadLink(nic)
            ?? throw new LabException(LabCodes.LabNetwork, $"There is no interface '{nic}'{Where}.", "name an existing NIC (see `ip link`).");
        return new Snapshot(Snapshot.CurrentFormat, Netns, nic, link, ReadAddresses(nic), ReadRoutes(nic), null, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Bridges the NIC. The snapshot is saved to <paramref name="snapshotPath"/> before anything
    /// changes; when a step fails the NIC is restored (and the file removed) before the error is thrown.
    /// </summary>
    public Snapshot Apply(BridgeOptions options, string snapshotPath)
    {
        options.Validate();
        var snapshot = Capture(options.Nic) with { Bridge = options.Bridge };
        CheckApplicable(snapshot, options);
        snapshot.Save(snapshotPath);
        try
        {
            Bridge(snapshot, options);
        }
        catch (Exception e) when (e is LabException or TimeoutException)
        {
            try
            {
                Restore(snapshot);
            }
            catch (Exception rollback) when (rollback is LabException or TimeoutException)
            {
                throw new LabException(LabCodes.LabNetwork,
                    $"Bridging {options.Nic} failed ({e.Message}) and restoring it failed too ({rollback.Message}).",
                    $"restore {options.Nic} from the saved state in {snapshotPath}: delete {options.Bridge}, then put back the addresses and routes listed there.",
                    inner: e);
            }
            File.Delete(snapshotPath);
            throw new LabException(LabCodes.LabNetwork, $"Bridging {options.Nic} failed; {options.Nic} was restored. {e.Message}",
                (e as LabException)?.Fix ?? "check the NIC and bridge settings, then run again.", inner: e);
        }
        return snapshot;
    }

    /// <summary>
    /// Puts the NIC back as the snapshot saw it and deletes the bridge that <see cref="Apply"/> made.
    /// Works on a half-applied bridge too, and is safe to call twice.
    /// </summary>
    public void Restore(Snapshot snapshot)
    {
        if (snapshot.Netns != Netns)
            throw new LabException(LabCodes.LabNetwork,
                $"The saved state of {snapshot.Nic} belongs to network namespace '{snapshot.Netns ?? "(root)"}', not '{Netns ?? "(root)"}'.",
                "restore it with a HostNicBridge for the namespace it was captured in.");
        snapshot.ValidateNames();
        var nic = snapshot.Nic;
        if (ReadLink(nic) is null)
            throw new LabException(LabCodes.LabNetwork, $"Cannot restore {nic}: there is no such interface{Where} any more.", "check `ip link`; a NIC that was renamed or unplugged must be configured by hand.");

        // Deleting the bridge releases its ports and drops its addresses and routes, the lab address included.
        if (snapshot.Bridge is { } bridge && bridge != nic && IsBridge(bridge)) Ip("link", "del", "dev", bridge);

        var link = ReadLink(nic)!;
        if (link.Master != snapshot.Link.Master)
            Ip(snapshot.Link.Master is null ? ["link", "set", "dev", nic, "nomaster"] : ["link", "set", "dev", nic, "master", snapshot.Link.Master]);
        if (link.Mtu != snapshot.Link.Mtu) Ip("link", "set", "dev", nic, "mtu", snapshot.Link.Mtu.ToString(CultureInfo.InvariantCulture));
        if (!ReadAddresses(nic).SequenceEqual(snapshot.Addresses))
        {
            Ip("-4", "addr", "flush", "dev", nic);
            foreach (var address in snapshot.Addresses) Ip(AddressArguments(address, nic, address.Label));
        }
        if (snapshot.Link.Up) Ip("link", "set", "dev", nic, "up");
        foreach (var route in snapshot.Routes.Where(r => !r.MadeByKernel)) Ip(RouteArguments(route, nic));
        if (!snapshot.Link.Up) Ip("link", "set", "dev", nic, "down");

        var now = Capture(nic);
        if (now.Describe() != snapshot.Describe())
            throw new LabException(LabCodes.LabNetwork,
                $"{nic} was restored but differs from its saved state.\nSaved:\n{snapshot.Describe()}\nNow:\n{now.Describe()}",
                "a DHCP client or network manager may be changing the NIC at the same time; stop it while the lab runs.");
    }

    /// <summary>Restores from a saved snapshot file and deletes it. Returns false when there is no file (nothing to restore).</summary>
    public bool RestoreFromFile(string snapshotPath)
    {
        if (!File.Exists(snapshotPath)) return false;
        Restore(Snapshot.Load(snapshotPath));
        File.Delete(snapshotPath);
        return true;
    }

    public bool Exists(string name)
    {
        InterfaceName.Validate(name, "interface");
        return _commands.Ip(["-j", "link", "show", "dev", name]).Succeeded;
    }

    private string Where => Netns is null ? "" : $" in network namespace '{Netns}'";

    private void CheckApplicable(Snapshot snapshot, BridgeOptions options)
    {
        if (snapshot.Link.Master is { } master)
            throw new LabException(LabCodes.LabNetwork, $"{options.Nic} is already a port of '{master}'{Where}.",
                master == options.Bridge ? "the bridge is already set up; tear the lab down first (it restores the NIC)." : $"release it first (ip link set {options.Nic} nomaster) or bridge another NIC.");
        if (Exists(options.Bridge))
            throw new LabException(LabCodes.LabNetwork, $"An interface named '{options.Bridge}' already exists{Where}.",
                $"choose another bridge name, or delete the old one (ip link del {options.Bridge}) if nothing uses it.");
        var lab = options.ParseLabAddress().Address.ToString();
        if (snapshot.Addresses.Any(a => a.Local == lab))
            throw new LabException(LabCodes.LabNetwork, $"The lab address {lab} is already an address of {options.Nic}.",
                "choose a lab address on a network the host is not on, e.g. 10.1.1.254/24.");
    }

    private void Bridge(Snapshot snapshot, BridgeOptions options)
    {
        var nic = options.Nic;
        var bridge = options.Bridge;
        // The bridge takes the NIC's MAC, so neighbours' ARP caches and DHCP reservations stay valid
        // (left alone, udev's MACAddressPolicy may give it a different one).
        string[] address = snapshot.Link.MacAddress is { } mac ? ["address", mac] : [];
        Ip(["link", "add", "name", bridge, .. address, .. options.BridgeTypeArguments()]);
        Ip("link", "set", "dev", nic, "master", bridge);
        Ip("link", "set", "dev", nic, "up");
        Ip("link", "set", "dev", bridge, "up");
        // Removing the NIC's last IPv4 address also drops every IPv4 route through it.
        if (snapshot.Addresses.Count > 0) Ip("-4", "addr", "flush", "dev", nic);
        foreach (var a in snapshot.Addresses) Ip(AddressArguments(a, bridge, BridgeLabel(a.Label, nic, bridge)));
        Ip("addr", "add", options.LabAddress, "broadcast", "+", "scope", "global", "label", options.LabLabel, "dev", bridge);
        foreach (var route in snapshot.Routes.Where(r => !r.MadeByKernel)) Ip(RouteArguments(route, bridge));
    }

    /// <summary>Labels must start with the device name: eth0 → br0, eth0:1 → br0:1.</summary>
    internal static string BridgeLabel(string? label, string nic, string bridge)
    {
        if (label is null || label == nic || !label.StartsWith(nic + ":", StringComparison.Ordinal)) return bridge;
        var moved = bridge + label[nic.Length..];
        return moved.Length <= InterfaceName.MaxLength ? moved : bridge;
    }

    internal static string[] AddressArguments(NicAddress a, string device, string? label)
    {
        var args = new List<string> { "addr", "add", a.Cidr };
        if (a.Broadcast is not null) args.AddRange(["broadcast", a.Broadcast]);
        if (a.Scope is not null) args.AddRange(["scope", a.Scope]);
        if (label is not null) args.AddRange(["label", label]);
        if (a.NoPrefixRoute) args.Add("noprefixroute");
        args.AddRange(["dev", device]);
        return [.. args];
    }

    /// <summary>`ip route replace` so that restoring twice, or over a route left behind, still succeeds.</summary>
    internal static string[] RouteArguments(NicRoute r, string device)
    {
        var args = new List<string> { "route", "replace", r.Destination };
        if (r.Gateway is not null) args.AddRange(["via", r.Gateway]);
        args.AddRange(["dev", device]);
        if (r.Metric is { } metric) args.AddRange(["metric", metric.ToString(CultureInfo.InvariantCulture)]);
        if (r.Protocol is not null) args.AddRange(["proto", r.Protocol]);
        if (r.Scope is not null) args.AddRange(["scope", r.Scope]);
        if (r.Table is not null) args.AddRange(["table", r.Table]);
        if (r.PreferredSource is not null) args.AddRange(["src", r.PreferredSource]);
        if (r.OnLink) args.Add("onlink");
        return [.. args];
    }

    private bool IsBridge(string name)
    {
        var result = _commands.Ip(["-j", "-d", "link", "show", "dev", name]);
        if (!result.Succeeded) return false;
        return JsonNode.Parse(result.StandardOutput)?.AsArray().FirstOrDefault()?["linkinfo"]?["info_kind"]?.GetValue<string>() == "bridge";
    }

    private NicLink? ReadLink(string nic)
    {
        var result = _commands.Ip(["-j", "link", "show", "dev", nic]);
        if (!result.Succeeded) return null;
        var link = ParseArray(result.StandardOutput).FirstOrDefault()
            ?? throw new LabException(LabCodes.LabNetwork, $"`ip -j link show dev {nic}` printed no interface.");
        return IpJson.ParseLink(link);
    }

    private List<NicAddress> ReadAddresses(string nic) =>
        IpJson.ParseAddresses(ParseArray(IpChecked("-4", "-j", "addr", "show", "dev", nic)));

    private List<NicRoute> ReadRoutes(string nic) =>
        IpJson.ParseRoutes(ParseArray(IpChecked("-4", "-j", "route", "show", "table", "all")), nic);

    private static JsonArray ParseArray(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonNode.Parse(json)?.AsArray() ?? [];

    private string IpChecked(params string[] args) => _commands.IpChecked(args).StandardOutput;

    private void Ip(params string[] args) => _commands.IpChecked(args);

    /// <summary>
    /// The NIC's state before bridging, saved as JSON beside the lab's state so that a teardown in
    /// another process — or after a crash — can restore it. Bridge is the bridge Apply created.
    /// </summary>
    public sealed record Snapshot(
        int Format,
        string? Netns,
        string Nic,
        NicLink Link,
        IReadOnlyList<NicAddress> Addresses,
        IReadOnlyList<NicRoute> Routes,
        string? Bridge,
        DateTimeOffset CapturedAt)
    {
        public const int CurrentFormat = 1;

        internal static readonly JsonSerializerOptions Json = new()
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

        /// <summary>The default route of the main table, if the NIC carried one.</summary>
        [JsonIgnore] public NicRoute? DefaultRoute => Routes.FirstOrDefault(r => r.IsDefault && r.Table is null);

        /// <summary>A canonical text of everything Restore must bring back; equal texts mean equal NIC state.</summary>
        public string Describe()
        {
            var sb = new StringBuilder();
            sb.Append("link ").Append(Link).Append('\n');
            foreach (var a in Addresses) sb.Append("addr ").Append(a).Append('\n');
            foreach (var r in Routes) sb.Append("route ").Append(r).Append('\n');
            return sb.ToString();
        }

        public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

        public static Snapshot Load(string path)
        {
            Snapshot? snapshot;
            try
            {
                snapshot = JsonSerializer.Deserialize<Snapshot>(File.ReadAllText(path), Json);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                throw new LabException(LabCodes.LabNetwork, $"Cannot read the saved NIC state {path}: {e.Message}",
                    "restore the NIC by hand (ip link del br0, then put its addresses and default route back).", file: path, inner: e);
            }
            if (snapshot is null || snapshot.Format != CurrentFormat || snapshot.Link is null || snapshot.Addresses is null || snapshot.Routes is null)
                throw new LabException(LabCodes.LabNetwork, $"{path} is not a NIC state VirtLab saved (format {CurrentFormat}).",
                    "restore the NIC by hand (ip link del br0, then put its addresses and default route back).", file: path);
            snapshot.ValidateNames();
            return snapshot;
        }

        internal void ValidateNames()
        {
            InterfaceName.Validate(Nic, "NIC");
            if (Bridge is not null) InterfaceName.Validate(Bridge, "bridge");
            if (Link.Master is not null) InterfaceName.Validate(Link.Master, "master");
        }
    }
}

/// <summary>Runs `ip` and `bridge` in a namespace (or the root one when null) with argument lists.</summary>
internal sealed class NetnsCommands(string? netns, TimeSpan timeout)
{
    public ProcessResult Ip(IEnumerable<string> args) =>
        ProcessRunner.Run("ip", netns is null ? args : ["-n", netns, .. args], timeout);

    public ProcessResult IpChecked(IEnumerable<string> args) =>
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", netns is null ? args : ["-n", netns, .. args], timeout);

    // `ip netns exec` rather than `bridge -n`: it is what the rest of VirtLab uses to enter a lab.
    public ProcessResult BridgeChecked(IEnumerable<string> args) =>
        netns is null
            ? ProcessRunner.RunChecked(LabCodes.LabNetwork, "bridge", args, timeout)
            : ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["netns", "exec", netns, "bridge", .. args], timeout);
}

/// <summary>Parsers for iproute2's JSON output (`ip -j`), kept apart so tests can feed captured text.</summary>
internal static class IpJson
{
    public static NicLink ParseLink(JsonNode link)
    {
        var flags = Strings(link["flags"]);
        return new NicLink(
            Str(link["ifname"]) ?? "",
            flags.Contains("UP"),
            Int(link["mtu"]) ?? 0,
            Str(link["master"]),
            Str(link["address"]));
    }

    public static List<NicAddress> ParseAddresses(JsonArray links) =>
        links.SelectMany(link => link?["addr_info"]?.AsArray() ?? [])
            .Where(a => a is not null && Str(a["family"]) == "inet" && Str(a["local"]) is not null)
            .Select(a => new NicAddress(
                Str(a!["local"])!,
                Int(a["prefixlen"]) ?? 32,
                Str(a["broadcast"]),
                Str(a["scope"]),
                Str(a["label"]),
                a["noprefixroute"]?.GetValueKind() == JsonValueKind.True))
            .ToList();

    /// <summary>IPv4 unicast routes through <paramref name="device"/>, in the kernel's order; the local table is the kernel's own.</summary>
    public static List<NicRoute> ParseRoutes(JsonArray routes, string device) =>
        routes.Where(r => r is not null && Str(r["dst"]) is not null && Str(r["dev"]) == device
                && Str(r["table"]) != "local" && Str(r["type"]) is null or "unicast")
            .Select(r => new NicRoute(
                Str(r!["dst"])!,
                Str(r["gateway"]),
                device,
                Int(r["metric"]),
                Str(r["protocol"]),
                Str(r["scope"]),
                Str(r["table"]) is "main" ? null : Str(r["table"]),
                Str(r["prefsrc"]),
                Strings(r["flags"]).Contains("onlink")))
            .ToList();

    public static string? Str(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.Number => node.ToJsonString(),
        _ => null,
    };

    public static int? Int(JsonNode? node) =>
        node?.GetValueKind() == JsonValueKind.Number && int.TryParse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static double? Double(JsonNode? node) =>
        node?.GetValueKind() == JsonValueKind.Number && double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(Str).OfType<string>().ToList() : [];
}
