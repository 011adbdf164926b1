using System.Net;
using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Evidence for question A, taken while a guest is attached: the host side's addresses, routes,
/// bridge ports and FDB (after the guest has pinged the host, so its MAC is learned), the guest's
/// own view, and the same set-up as /etc/network/interfaces and netplan.
/// </summary>
public sealed class CollectNetworkEvidence : LabTask
{
    [Required] public string Namespace { get; set; } = "";
    [Required] public string GuestName { get; set; } = "";
    /// <summary>The VirtLabGuest item (see <see cref="LabGuest"/>).</summary>
    [Required] public ITaskItem Guest { get; set; } = null!;
    [Required] public string OutputDirectory { get; set; } = "";
    public bool Stp { get; set; }
    public int ForwardDelaySeconds { get; set; } = 9;
    public int HelloTimeSeconds { get; set; } = 2;
    public int MaxAgeSeconds { get; set; } = 12;

    protected override void Run()
    {
        var guest = LabGuest.From(Guest);
        var host = guest.HostAddress;
        var prefixLength = guest.PrefixLength;
        var netns = new LabState(Namespace).NetworkNamespace;
        using (var ssh = guest.Ssh(new LabState(Namespace)))
        {
            var ping = ssh.Run($"ping -c 3 -W 2 {host}", TimeSpan.FromSeconds(30), Cancellation);
            AtomicFile.WriteAllText(Path.Combine(OutputDirectory, "guest-ping-host.txt"), ping.StandardOutput + ping.StandardError);
            AtomicFile.WriteAllText(Path.Combine(OutputDirectory, "guest-addresses.txt"), ssh.Run("ip addr", TimeSpan.FromSeconds(20)).StandardOutput);
            AtomicFile.WriteAllText(Path.Combine(OutputDirectory, "guest-routes.txt"), ssh.Run("ip route", TimeSpan.FromSeconds(20)).StandardOutput);
            if (ping.ExitCode != 0)
                throw new LabException(LabCodes.LabNetwork, $"The guest could not ping the host side {host}: {ProcessRunner.Tail(ping.StandardOutput + ping.StandardError)}",
                    "check the bridge and tap (see bridge-link.txt in the evidence folder).", Path.Combine(OutputDirectory, "guest-ping-host.txt"));
        }
        var state = new LabState(Namespace);
        var evidence = File.Exists(state.HostNicSnapshotFile)
            ? HostNicEvidence(netns, HostNicBridge.Snapshot.Load(state.HostNicSnapshotFile), $"{host}/{prefixLength}")
            : NetworkEvidence.Collect(netns) with
            {
                Interfaces = IsolatedLabConfig.RenderInterfaces(host, prefixLength),
                Netplan = IsolatedLabConfig.RenderNetplan(host, prefixLength),
            };
        evidence.WriteArtifacts(OutputDirectory);
        Log.LogMessage(MessageImportance.High, $"VirtLab: evidence for question A written to {OutputDirectory}");
    }

    /// <summary>Host-NIC mode: the homework's set-up, rendered from the NIC's state before it was bridged.</summary>
    private NetworkEvidence HostNicEvidence(string netns, HostNicBridge.Snapshot snapshot, string hostAddress) =>
        NetworkEvidence.Collect(netns.Length == 0 ? null : netns, snapshot,
            new BridgeOptions(snapshot.Nic, LabNetwork.Bridge, hostAddress, Stp, ForwardDelaySeconds, HelloTimeSeconds, MaxAgeSeconds));
}
