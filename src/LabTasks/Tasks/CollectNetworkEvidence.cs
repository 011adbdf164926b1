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
    [Required] public string GuestAddress { get; set; } = "";
    [Required] public string HostAddress { get; set; } = "";
    [Required] public int PrefixLength { get; set; }
    [Required] public string PrivateKeyFile { get; set; } = "";
    [Required] public string HostKeyFile { get; set; } = "";
    [Required] public string OutputDirectory { get; set; } = "";

    protected override void Run()
    {
        var host = IPAddress.Parse(HostAddress);
        using (var ssh = GuestSsh.Connect(Namespace, IPAddress.Parse(GuestAddress), PrivateKeyFile, HostKeyFile, TimeSpan.FromSeconds(30)))
        {
            var ping = ssh.Run($"ping -c 3 -W 2 {host}", TimeSpan.FromSeconds(30), Cancellation);
            AtomicFile.WriteAllText(Path.Combine(OutputDirectory, "guest-ping-host.txt"), ping.StandardOutput + ping.StandardError);
            AtomicFile.WriteAllText(Path.Combine(OutputDirectory, "guest-addresses.txt"), ssh.Run("ip addr", TimeSpan.FromSeconds(20)).StandardOutput);
            AtomicFile.WriteAllText(Path.Combine(OutputDirectory, "guest-routes.txt"), ssh.Run("ip route", TimeSpan.FromSeconds(20)).StandardOutput);
            if (ping.ExitCode != 0)
                throw new LabException(LabCodes.LabNetwork, $"The guest could not ping the host side {host}: {ProcessRunner.Tail(ping.StandardOutput + ping.StandardError)}",
                    "check the bridge and tap (see bridge-link.txt in the evidence folder).", Path.Combine(OutputDirectory, "guest-ping-host.txt"));
        }
        var evidence = NetworkEvidence.Collect(Namespace) with
        {
            Interfaces = IsolatedLabConfig.RenderInterfaces(host, PrefixLength),
            Netplan = IsolatedLabConfig.RenderNetplan(host, PrefixLength),
        };
        evidence.WriteArtifacts(OutputDirectory);
        Log.LogMessage(MessageImportance.High, $"VirtLab: evidence for question A written to {OutputDirectory}");
    }
}
