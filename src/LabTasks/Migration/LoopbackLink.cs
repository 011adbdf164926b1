using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// Takes the loopback device of the lab's own network namespace down and up again: a cut of the
/// migration stream (tcp:127.0.0.1 inside that namespace) in which packets vanish, as on a
/// pulled cable — no FIN, no RST, TCP just retransmits. That loopback carries nothing else (QMP
/// is a unix socket, every probe and guest connection runs over br0). The kernel here has no
/// netfilter tables and no tc actions, so a drop rule on the stream's port is not available;
/// the link is the finest cut there is.
/// </summary>
public static class LoopbackLink
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static void Down(LabState lab) => Set(lab, "down");

    public static void Up(LabState lab) => Set(lab, "up");

    private static void Set(LabState lab, string state)
    {
        // Only a namespace the lab created: in host-NIC mode the namespace (or the root one) carries more than the stream.
        if (!lab.OwnsNetworkNamespace)
            throw new LabException(LabCodes.MigrationFault, $"The lab '{lab.Namespace}' runs in a network namespace it did not create ('{lab.NetworkNamespace}'); VirtLab cuts a migration stream only inside its own.",
                "run stream-cut scenarios in the isolated lab (ConfigureBridge's default mode).");
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["-n", lab.Namespace, "link", "set", "dev", "lo", state], Bound);
    }
}
