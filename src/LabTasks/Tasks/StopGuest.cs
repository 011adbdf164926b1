using Microsoft.Build.Framework;
using VirtLab.Lab;

namespace VirtLab.Tasks;

/// <summary>Stops a guest (QMP quit, then a kill) and removes its tap.</summary>
public sealed class StopGuest : LabTask
{
    [Required] public string Namespace { get; set; } = "";
    [Required] public string Name { get; set; } = "";

    protected override void Run()
    {
        var state = new LabState(Namespace);
        new Qemu.GuestLauncher(state, "", "").Stop(Name);
        new LabNetwork(state).DeleteTap(LabNetwork.TapName(Name));
    }
}
