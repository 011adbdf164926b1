using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Migration;

namespace VirtLab.Tasks;

/// <summary>
/// Stops a guest (QMP quit, then a kill) and removes its tap. A guest that was live-migrated runs
/// in a later generation (mig-0 → mig-3): that one is stopped too.
/// </summary>
public sealed class StopGuest : LabTask
{
    [Required] public string Namespace { get; set; } = "";
    [Required] public string Name { get; set; } = "";

    protected override void Run()
    {
        var state = new LabState(Namespace);
        foreach (var guest in new[] { GuestIdentity.Current(state, Name), Name }.Distinct())
        {
            new Qemu.GuestLauncher(state, "", "").Stop(guest);
            new LabNetwork(state).DeleteTap(LabNetwork.TapName(guest));
        }
    }
}
