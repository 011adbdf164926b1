using System.Globalization;
using Microsoft.Build.Framework;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Starts a guest with QEMU daemonized inside the lab namespace (QMP socket, serial log, pidfile)
/// and returns when SSH answers with the pinned host key.
/// </summary>
public sealed class BootGuest : GuestTaskBase
{
    [Required] public string Name { get; set; } = "";
    [Required] public string Accel { get; set; } = "";

    [Output] public string BootSeconds { get; private set; } = "";
    [Output] public int QemuPid { get; private set; }

    protected override void Run()
    {
        var outcome = BootOnOwnTap(Name, Accel);
        if (!outcome.Ready)
            throw new LabException(LabCodes.GuestBoot, $"Guest '{Name}' (-accel {Accel}) did not boot: {Describe(outcome)}",
                $"see the serial log {Spec(Name, Accel).SerialLog}; raise guest.bootTimeoutSeconds in lab.yaml if the machine is just slow.");
        BootSeconds = outcome.Seconds.ToString("0.00", CultureInfo.InvariantCulture);
        QemuPid = LabGuest.Launcher(Lab).Pid(Name) ?? 0;
        Log.LogMessage(MessageImportance.High, $"VirtLab: guest '{Name}' (-accel {Accel}) answered SSH {BootSeconds} s after QEMU started.");
    }
}
