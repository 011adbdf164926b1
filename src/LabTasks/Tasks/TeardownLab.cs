using Microsoft.Build.Framework;
using VirtLab.Lab;

namespace VirtLab.Tasks;

/// <summary>Stops every guest of the lab and removes its namespace, bridge and taps.</summary>
public sealed class TeardownLab : LabTask
{
    [Required] public string Namespace { get; set; } = "";

    protected override void Run()
    {
        LabTeardown.Run(new LabState(Namespace));
        Log.LogMessage(MessageImportance.Normal, $"VirtLab: lab network '{Namespace}' removed.");
    }
}
