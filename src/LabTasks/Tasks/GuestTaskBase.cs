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

    /// <summary>A migration scenario's guest variant (MigrationScenario metadata, passed on as cell metadata): empty is lab.yaml's guest.kernelArguments, "none" no extra arguments.</summary>
    public string KernelArguments { get; set; } = "";
    /// <summary>single or multi (-accel tcg,thread=…; TCG only); empty: QEMU's default.</summary>
    public string TcgThreads { get; set; } = "";
    /// <summary>QEMU's -cpu value (e.g. max,-pcid); empty: max under TCG, host under KVM.</summary>
    public string CpuModel { get; set; } = "";
    /// <summary>Where the variant comes from, for its errors (the cell's Scenario; empty: the guest's name).</summary>
    public string Scenario { get; set; } = "";

    protected QemuBinary QemuBinary => QemuBinary.From(Qemu);

    private LabGuest? _guest;
    protected LabGuest LabGuest => _guest ??= LabGuest.From(Guest);
    protected LabState Lab => new(Namespace);

    /// <summary>
    /// The guest's command line; its kernel arguments are the guest item's (lab.yaml
    /// guest.kernelArguments, the same for every guest) unless a migration scenario's variant
    /// (KernelArguments, TcgThreads, CpuModel) replaces them.
    /// </summary>
    protected GuestSpec Spec(string name, string accel) => LabGuest.Spec(name, accel, NicModel, SerialLog, QemuBinary, Variant(name, accel));

    /// <summary>The variant these parameters describe, validated (LAB0002 naming the scenario and the fix).</summary>
    protected GuestVariant Variant(string name, string accel) =>
        GuestVariant.Parse(Scenario.Length > 0 ? $"Migration scenario '{Scenario}'" : $"Guest '{name}'", KernelArguments, TcgThreads, CpuModel, accel);

    /// <summary>Boots a guest on a fresh tap; a guest that does not become ready is stopped again.</summary>
    protected BootOutcome BootOnOwnTap(string name, string accel)
    {
        // The spec first: a bad variant is LAB0002 before a tap or QEMU exists.
        var spec = Spec(name, accel);
        var network = new LabNetwork(Lab);
        var tap = LabNetwork.TapName(name);
        network.DeleteTap(tap);
        network.AddTap(tap);
        var launcher = LabGuest.Launcher(Lab);
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds > 0 ? TimeoutSeconds : LabGuest.BootTimeoutSeconds);
        var outcome = launcher.Boot(spec, timeout, Cancellation);
        if (!outcome.Ready) launcher.Stop(name);
        return outcome;
    }

    protected static string Describe(BootOutcome o) =>
        o.SerialTail.Length == 0 ? o.Detail : $"{o.Detail} Last lines on the guest's console:\n{o.SerialTail}";
}
