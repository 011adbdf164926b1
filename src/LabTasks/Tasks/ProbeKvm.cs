using Microsoft.Build.Framework;
using VirtLab.Qemu;

namespace VirtLab.Tasks;

/// <summary>
/// Decides whether KVM works here by doing what a KVM row needs: boot the lab guest with
/// -accel kvm and wait (with a short deadline) for SSH. An open /dev/kvm is not enough — some
/// hosts expose one that cannot run a normal guest. The verdict and what the probe saw are saved.
/// </summary>
public sealed class ProbeKvm : GuestTaskBase
{
    [Required] public string VerdictFile { get; set; } = "";
    [Required] public string HostFingerprint { get; set; } = "";

    [Output] public bool Available { get; private set; }

    protected override void Run()
    {
        const string name = "kvm-probe";
        BootOutcome outcome;
        if (!File.Exists("/dev/kvm"))
            outcome = new BootOutcome(false, 0, "/dev/kvm does not exist (no KVM module loaded, or no hardware virtualization).", "");
        else
        {
            outcome = BootOnOwnTap(name, "kvm");
            if (outcome.Ready) LabGuest.Launcher(Lab).Stop(name);
        }

        var reason = outcome.Ready
            ? $"a guest booted under -accel kvm and answered SSH in {outcome.Seconds:0.0} s."
            : $"under -accel kvm, {outcome.Detail}";
        new KvmVerdict(outcome.Ready, reason, outcome.Ready ? outcome.Seconds : null, outcome.SerialTail,
            HostFingerprint, QemuVersion.Installed(), DateTimeOffset.UtcNow).Save(VerdictFile);
        Available = outcome.Ready;
        Log.LogMessage(MessageImportance.High, $"VirtLab: KVM probe: {(Available ? "available" : "unavailable")} — {reason}"
            + (outcome.SerialTail.Length > 0 && !Available ? $" The guest's console stopped at: '{outcome.SerialTail.Split('\n')[^1].Trim()}'." : ""));
    }
}
