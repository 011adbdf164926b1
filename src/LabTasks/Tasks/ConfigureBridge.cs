using System.Net;
using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Brings the lab network up in isolated mode: a namespace owned by this build with br0 carrying
/// the host-side address, plus a watchdog that removes it all if the build dies. Labs left by
/// killed builds are reaped first.
/// </summary>
public sealed class ConfigureBridge : LabTask
{
    [Required] public string Experiment { get; set; } = "";
    [Required] public string HostAddress { get; set; } = "";
    [Required] public int PrefixLength { get; set; }

    [Output] public string Namespace { get; private set; } = "";

    protected override void Run()
    {
        if (!Environment.IsPrivilegedProcess)
            throw new LabException(LabCodes.NotRoot, "Creating the lab network needs root.", "run the build as root (sudo -E dotnet build …).");
        foreach (var reaped in LabTeardown.ReapOrphans())
            Log.LogMessage(MessageImportance.High, $"VirtLab: removed lab '{reaped}' left behind by a build that no longer runs.");

        var owner = OwnerProcess.Find();
        var state = new LabState(LabState.NameFor(Experiment.ToLowerInvariant(), owner));
        LabTeardown.Run(state);
        state.Create(owner);
        LabWatchdog.Start(state, owner);
        try
        {
            new LabNetwork(state).Create(IPAddress.Parse(HostAddress), PrefixLength, []);
        }
        catch
        {
            LabTeardown.Run(state);
            throw;
        }
        Namespace = state.Namespace;
        Log.LogMessage(MessageImportance.Normal, $"VirtLab: lab network '{Namespace}' is up (br0 {HostAddress}/{PrefixLength}), owned by build process {owner}.");
    }
}
