using System.Net;
using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Brings the lab network up. Isolated mode (the default): a namespace owned by this build with
/// br0 carrying the host-side address. Host-NIC mode (the homework's set-up on a real machine):
/// the named NIC is enslaved to br0, its addresses and default route move to the bridge, the lab
/// address is added as br0:0, and the NIC's state is saved first so teardown restores it exactly.
/// Either way a watchdog cleans up if the build dies, and labs left by dead builds are reaped first.
/// </summary>
public sealed class ConfigureBridge : LabTask
{
    [Required] public string Experiment { get; set; } = "";
    [Required] public string HostAddress { get; set; } = "";
    [Required] public int PrefixLength { get; set; }
    public string Mode { get; set; } = "isolated";
    public string HostNic { get; set; } = "";
    /// <summary>The namespace holding HostNic; "" for the root namespace (a real host).</summary>
    public string HostNicNamespace { get; set; } = "";
    public bool Stp { get; set; }
    public int ForwardDelaySeconds { get; set; } = 9;
    public int HelloTimeSeconds { get; set; } = 2;
    public int MaxAgeSeconds { get; set; } = 12;

    [Output] public string Namespace { get; private set; } = "";

    protected override void Run()
    {
        if (!Environment.IsPrivilegedProcess)
            throw new LabException(LabCodes.NotRoot, "Creating the lab network needs root.", "run the build as root (sudo -E dotnet build …).");
        var orphans = LabTeardown.ReapOrphans();
        foreach (var reaped in orphans.Reaped)
            Log.LogMessage(MessageImportance.High, $"VirtLab: removed lab '{reaped}' left behind by a build that no longer runs.");
        foreach (var skipped in orphans.Skipped) LogLabWarning(skipped.Code, skipped.FullMessage, skipped.File);

        var owner = OwnerProcess.Find();
        var state = new LabState(LabState.NameFor(Experiment.ToLowerInvariant(), owner));
        LabTeardown.Run(state);
        var hostNic = Mode switch
        {
            "isolated" => false,
            "host-nic" => true,
            _ => throw new LabException(LabCodes.ConfigBadValue, $"'{Mode}' is not a lab mode.", "set network.mode in lab.yaml to isolated or host-nic."),
        };
        state.Create(owner, hostNic ? HostNicNamespace : null);
        LabWatchdog.Start(state, owner);
        try
        {
            if (hostNic)
                new HostNicBridge(HostNicNamespace.Length == 0 ? null : HostNicNamespace)
                    .Apply(new BridgeOptions(HostNic, LabNetwork.Bridge, $"{HostAddress}/{PrefixLength}", Stp, ForwardDelaySeconds, HelloTimeSeconds, MaxAgeSeconds),
                        state.HostNicSnapshotFile);
            else
                new LabNetwork(state).Create(IPAddress.Parse(HostAddress), PrefixLength, []);
        }
        catch
        {
            LabTeardown.Run(state);
            throw;
        }
        Namespace = state.Namespace;
        Log.LogMessage(MessageImportance.Normal, hostNic
            ? $"VirtLab: lab '{Namespace}' is up in host-NIC mode: {HostNic} enslaved to br0, which carries its addresses and {HostAddress}/{PrefixLength} (br0:0); owned by build process {owner}."
            : $"VirtLab: lab network '{Namespace}' is up (br0 {HostAddress}/{PrefixLength}), owned by build process {owner}.");
    }
}
