using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Qemu;

namespace VirtLab.Tasks;

/// <summary>The parameters shared by the tasks that boot a lab guest (BootGuest, ProbeKvm, LiveMigrate).</summary>
public abstract class GuestTaskBase : LabTask
{
    [Required] public string Namespace { get; set; } = "";
    /// <summary>The VirtLabGuest item (see <see cref="LabGuest"/>).</summary>
    [Required] public ITaskItem Guest { get; set; } = null!;
    /// <summary>Empty: the guest item's run folder, &lt;name&gt;.serial.log.</summary>
    public string SerialLog { get; set; } = "";
    /// <summary>0: the guest item's BootTimeoutSeconds (lab.yaml guest.bootTimeoutSeconds).</summary>
    public int TimeoutSeconds { get; set; }
    public string NicModel { get; set; } = "virtio-net-pci";
    /// <summary>The QEMU build to boot with (a VirtLabQemu item; none: the system's QEMU).</summary>
    public ITaskItem? Qemu { get; set; }

    protected QemuBinary QemuBinary => QemuBinary.From(Qemu);

    private LabGuest? _guest;
    protected LabGuest LabGuest => _guest ??= LabGuest.From(Guest);
    protected LabState Lab => new(Namespace);

    /// <summary>The guest's command line; its kernel arguments are the guest item's (lab.yaml guest.kernelArguments), the same for every guest.</summary>
    protected GuestSpec Spec(string name, string accel) => LabGuest.Spec(name, accel, NicModel, SerialLog, QemuBinary);

    /// <summary>Boots a guest on a fresh tap; a guest that does not become ready is stopped again.</summary>
    protected BootOutcome BootOnOwnTap(string name, string accel)
    {
        var network = new LabNetwork(Lab);
        var tap = LabNetwork.TapName(name);
        network.DeleteTap(tap);
        network.AddTap(tap);
        var launcher = LabGuest.Launcher(Lab);
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds > 0 ? TimeoutSeconds : LabGuest.BootTimeoutSeconds);
        var outcome = launcher.Boot(Spec(name, accel), timeout, Cancellation);
        if (!outcome.Ready) launcher.Stop(name);
        return outcome;
    }

    protected static string Describe(BootOutcome o) =>
        o.SerialTail.Length == 0 ? o.Detail : $"{o.Detail} Last lines on the guest's console:\n{o.SerialTail}";
}
