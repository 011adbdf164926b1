using System.Net;

namespace VirtLab.Lab;

/// <summary>
/// The isolated lab written as permanent configuration: a bridge with the lab address and no
/// physical port (QEMU adds its taps). Host-NIC mode renders the homework's full set-up instead
/// (NetworkEvidence.RenderInterfaces / RenderNetplan from the NIC's snapshot).
/// </summary>
public static class IsolatedLabConfig
{
    public static string RenderInterfaces(IPAddress hostAddress, int prefixLength, string bridge = LabNetwork.Bridge) => $"""
        # /etc/network/interfaces equivalent of VirtLab's isolated lab (ifupdown + bridge-utils).
        # No physical NIC is enslaved: guests' taps are the only ports, so no lab packet leaves the host.
        auto {bridge}
        iface {bridge} inet static
            address {hostAddress}
            netmask {Netmask(prefixLength)}
            bridge_ports none
            bridge_stp off
            bridge_fd 0

        """;

    public static string RenderNetplan(IPAddress hostAddress, int prefixLength, string bridge = LabNetwork.Bridge) => $"""
        # netplan equivalent of VirtLab's isolated lab: a bridge with no physical port.
        network:
          version: 2
          bridges:
            {bridge}:
              interfaces: []
              addresses: [{hostAddress}/{prefixLength}]
              parameters:
                stp: false
                forward-delay: 0

        """;

    public static IPAddress Netmask(int prefixLength)
    {
        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        return new IPAddress([(byte)(mask >> 24), (byte)(mask >> 16), (byte)(mask >> 8), (byte)mask]);
    }
}
