using System.Net;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// The isolated lab network: a namespace with br0 carrying the host-side address and one tap per
/// guest NIC. Nothing here adds a route or an address to the root namespace.
/// </summary>
public sealed class LabNetwork(LabState state)
{
    private static readonly TimeSpan IpTimeout = TimeSpan.FromSeconds(20);

    public const string Bridge = "br0";

    /// <summary>Isolated mode: a new namespace with br0 carrying the host-side address.</summary>
    public void Create(IPAddress hostAddress, int prefixLength, IEnumerable<string> taps)
    {
        Ip("netns", "add", state.Namespace);
        InLab("link", "set", "lo", "up");
        // STP off and no forward delay: an isolated lab has no loops, and taps must forward at once.
        InLab("link", "add", Bridge, "type", "bridge", "stp_state", "0", "forward_delay", "0");
        InLab("addr", "add", $"{hostAddress}/{prefixLength}", "dev", Bridge);
        InLab("link", "set", Bridge, "up");
        foreach (var tap in taps) AddTap(tap);
    }

    public void AddTap(string tap)
    {
        ValidateInterface(tap);
        InLab("tuntap", "add", "dev", tap, "mode", "tap");
        InLab("link", "set", tap, "master", Bridge);
        InLab("link", "set", tap, "up");
    }

    /// <summary>Taps live inside the lab namespace, so a short per-guest name cannot collide with the host's.</summary>
    public static string TapName(string guest)
    {
        var name = "tap-" + LabState.ValidGuest(guest);
        if (name.Length <= 15) return name;
        // An interface name has at most 15 characters: a long guest name keeps its start and gets a
        // hash of the whole, so guest-virtio-net-pci and guest-virtio-net-pci-kvm get different taps.
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(guest));
        return name[..10] + Convert.ToHexStringLower(hash)[..5];
    }

    public void DeleteTap(string tap)
    {
        ValidateInterface(tap);
        if (Exists()) ProcessRunner.Run("ip", [.. NamespaceArguments, "link", "del", tap], IpTimeout);
    }

    /// <summary>The taps this lab added to br0 (VirtLab names them tap-…).</summary>
    public List<string> Taps()
    {
        if (!Exists()) return [];
        var links = ProcessRunner.Run("ip", [.. NamespaceArguments, "-o", "link", "show", "master", Bridge], IpTimeout).StandardOutput;
        return links.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3)[1].Trim().Split('@')[0])
            .Where(n => n.StartsWith("tap-", StringComparison.Ordinal)).ToList();
    }

    public bool Exists() => state.NetworkNamespace.Length == 0 || File.Exists($"/var/run/netns/{state.NetworkNamespace}");

    /// <summary>Deleting the lab's own namespace takes br0 and every tap with it.</summary>
    public void Delete()
    {
        if (state.OwnsNetworkNamespace && Exists()) ProcessRunner.Run("ip", ["netns", "del", state.Namespace], IpTimeout);
    }

    private string[] NamespaceArguments => state.NetworkNamespace.Length == 0 ? [] : ["-n", state.NetworkNamespace];

    private void InLab(params string[] args) => Ip([.. NamespaceArguments, .. args]);

    private static void Ip(params string[] args) =>
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", args, IpTimeout);

    private static void ValidateInterface(string name)
    {
        if (name.Length is 0 or > 15 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
            throw new LabException(LabCodes.LabNetwork, $"'{name}' is not a valid interface name.", "use up to 15 letters, digits, '-' or '_'.");
    }
}
