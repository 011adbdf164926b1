using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// The homework's bridge: which NIC becomes a port of which bridge, the lab address that goes on
/// the bridge as the second address (labelled like the original <c>br0:0</c> alias), and the
/// bridge's STP timers. The defaults are the homework's /etc/network/interfaces values.
/// </summary>
public sealed partial record BridgeOptions(
    string Nic,
    string Bridge = "br0",
    string LabAddress = "10.1.1.254/24",
    bool Stp = false,
    int ForwardDelaySeconds = 9,
    int HelloTimeSeconds = 2,
    int MaxAgeSeconds = 12)
{
    /// <summary>The label of the lab address, as ifupdown named the alias.</summary>
    public string LabLabel => $"{Bridge}:0";


    /// <summary>Throws LAB0030 with a fix for any value the kernel or iproute2 would refuse.</summary>
    public void Validate()
    {
        InterfaceName.Validate(Nic, "NIC");
        InterfaceName.Validate(Bridge, "bridge");
        if (Nic == Bridge)
            throw Error($"The bridge cannot be named like the NIC it enslaves ('{Nic}').", "name the bridge differently, e.g. br0.");
        if (LabLabel.Length > InterfaceName.MaxLength)
            throw Error($"The lab address label '{LabLabel}' is longer than {InterfaceName.MaxLength} characters.", $"use a bridge name of at most {InterfaceName.MaxLength - 2} characters.");
        ParseLabAddress();
        // Kernel limits (net/bridge/br_private.h); forward_delay is only checked while STP runs.
        var minDelay = Stp ? 2 : 0;
        if (ForwardDelaySeconds < minDelay || ForwardDelaySeconds > 30)
            throw Error($"Forward delay {ForwardDelaySeconds} s is out of range.", $"use {minDelay}–30 s{(Stp ? " (2 s at least while STP is on)" : "")}; the homework used 9.");
        if (HelloTimeSeconds is < 1 or > 10)
            throw Error($"Hello time {HelloTimeSeconds} s is out of range.", "use 1–10 s; the homework used 2.");
        if (MaxAgeSeconds is < 6 or > 40)
            throw Error($"Max age {MaxAgeSeconds} s is out of range.", "use 6–40 s; the homework used 12.");
    }

    /// <summary>The bridge attributes for `ip link add|set BR type bridge …`; iproute2 takes the timers in centiseconds.</summary>
    public IReadOnlyList<string> BridgeTypeArguments() =>
    [
        "type", "bridge",
        "forward_delay", Centiseconds(ForwardDelaySeconds),
        "hello_time", Centiseconds(HelloTimeSeconds),
        "max_age", Centiseconds(MaxAgeSeconds),
        "stp_state", Stp ? "1" : "0",
    ];

    private static string Centiseconds(int seconds) => (seconds * 100).ToString(CultureInfo.InvariantCulture);

    /// <summary>The lab address split into address and prefix length; throws LAB0030 when it is not a.b.c.d/prefix.</summary>
    public (IPAddress Address, int PrefixLength) ParseLabAddress()
    {
        var match = Ipv4Cidr().Match(LabAddress ?? "");
        if (!match.Success
            || !IPAddress.TryParse(match.Groups[1].Value, out var address)
            || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix is < 1 or > 32
            || match.Groups[1].Value.Split('.').Any(octet => int.Parse(octet, CultureInfo.InvariantCulture) > 255))
            throw Error($"Lab address '{LabAddress}' is not an IPv4 address with a prefix length.", "write it as a.b.c.d/prefix, e.g. 10.1.1.254/24.");
        return (address, prefix);
    }

    private static LabException Error(string message, string fix) => new(LabCodes.LabNetwork, message, fix);

    [GeneratedRegex(@"^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})/(\d{1,2})$")]
    private static partial Regex Ipv4Cidr();
}
