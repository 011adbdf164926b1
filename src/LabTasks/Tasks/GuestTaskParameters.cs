using System.Net;
using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Qemu;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>The parameters shared by the tasks that boot a lab guest (BootGuest, ProbeKvm).</summary>
public abstract class GuestTaskBase : LabTask
{
    [Required] public string Namespace { get; set; } = "";
    [Required] public string Kernel { get; set; } = "";
    [Required] public string Initramfs { get; set; } = "";
    [Required] public string PrivateKeyFile { get; set; } = "";
    [Required] public string HostKeyFile { get; set; } = "";
    [Required] public string GuestAddress { get; set; } = "";
    [Required] public int PrefixLength { get; set; }
    [Required] public string HostAddress { get; set; } = "";
    [Required] public int MemoryMiB { get; set; }
    [Required] public int Vcpus { get; set; }
    [Required] public int TimeoutSeconds { get; set; }
    [Required] public string SerialLog { get; set; } = "";
    public string NicModel { get; set; } = "virtio-net-pci";
    public string KernelArguments { get; set; } = "";

    protected GuestLauncher Launcher() => new(new LabState(Namespace), PrivateKeyFile, HostKeyFile);

    /// <summary>Boots a guest on a fresh tap; a guest that does not become ready is stopped again.</summary>
    protected BootOutcome BootOnOwnTap(string name, string accel)
    {
        var state = new LabState(Namespace);
        var tap = TapName(name);
        var network = new LabNetwork(state);
        network.DeleteTap(tap);
        network.AddTap(tap);
        var spec = new GuestSpec(name, accel, MemoryMiB, Vcpus, Kernel, Initramfs,
            IPAddress.Parse(GuestAddress), PrefixLength, IPAddress.Parse(HostAddress),
            [new GuestNic(NicModel, tap, QemuCommandLine.Mac(1, 0))], SerialLog,
            KernelArguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var launcher = Launcher();
        var outcome = launcher.Boot(spec, TimeSpan.FromSeconds(TimeoutSeconds), Cancellation);
        if (!outcome.Ready) launcher.Stop(name);
        return outcome;
    }

    /// <summary>Taps live inside the lab namespace, so a short per-guest name cannot collide with the host's.</summary>
    public static string TapName(string guest)
    {
        var name = "tap-" + LabState.ValidGuest(guest);
        return name.Length <= 15 ? name : name[..15];
    }

    protected static string Describe(BootOutcome o) =>
        o.SerialTail.Length == 0 ? o.Detail : $"{o.Detail} Last lines on the guest's console:\n{o.SerialTail}";
}
