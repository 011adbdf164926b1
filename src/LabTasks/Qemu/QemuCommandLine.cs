using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>The qemu-system-x86_64 argument list for a guest, built from validated values only.</summary>
public static class QemuCommandLine
{
    private static readonly string[] NicModels = ["virtio-net-pci", "e1000", "rtl8139"];

    public static List<string> Build(GuestSpec g, string pidFile, string qmpSocket)
    {
        if (!GuestSpec.Accelerators.Contains(g.Accel))
            throw new LabException(LabCodes.GuestBoot, $"'{g.Accel}' is not an accelerator VirtLab knows.", "use kvm or tcg.");
        if (g.Name.Length == 0 || g.Name.Contains(','))
            throw new LabException(LabCodes.GuestBoot, $"'{g.Name}' is not a guest name QEMU's -name accepts.", "use letters, digits and '-'.");
        var inv = CultureInfo.InvariantCulture;
        var args = new List<string>(g.Binary.FirmwareArguments())
        {
            // debug-threads names QEMU's threads ("CPU 0/TCG", "worker" …), so their CPU time can be told apart.
            "-name", $"guest={g.Name},debug-threads=on",
            "-accel", Accel(g),
            // KVM runs the host's CPU model; TCG emulates the richest model it has (a scenario may choose another: max,-pcid).
            "-cpu", Cpu(g),
            "-m", g.MemoryMiB.ToString(inv),
            "-smp", g.Vcpus.ToString(inv),
            "-nodefaults", "-display", "none", "-no-reboot",
            "-kernel", g.Kernel,
            "-initrd", g.Initramfs,
            "-append", KernelArgs(g),
            "-serial", $"file:{g.SerialLog}",
            "-qmp", $"{QmpChardev(qmpSocket)},server=on,wait=off",
            "-pidfile", pidFile,
            "-daemonize",
        };
        // QEMU's trace events (log backend) go to this file; none is enabled until a QMP trace-event-set-state.
        // Each line is stamped with the host's wall clock, the clock of QMP events (a switch-over's steps sit on the migration's timeline).
        if (g.TraceLog is { } traceLog) args.AddRange(["-D", traceLog, "-msg", "timestamp=on"]);
        if (g.Incoming is { } incoming)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(incoming, @"^(tcp:127\.0\.0\.1:[0-9]{1,5}|unix:/[A-Za-z0-9_./-]+|defer)$"))
                throw new LabException(LabCodes.GuestBoot, $"'{incoming}' is not a migration address VirtLab listens on.", "use tcp:127.0.0.1:<port> (inside the lab namespace), unix:<path> or defer.");
            args.AddRange(["-incoming", incoming]);
        }
        for (var i = 0; i < g.Nics.Count; i++)
        {
            var nic = g.Nics[i];
            if (!NicModels.Contains(nic.Model))
                throw new LabException(LabCodes.GuestBoot, $"'{nic.Model}' is not a NIC model VirtLab drives.", $"use one of {string.Join(", ", NicModels)}.");
            args.AddRange(["-netdev", $"tap,id=n{i},ifname={nic.Tap},script=no,downscript=no",
                           "-device", $"{nic.Model},netdev=n{i},mac={nic.Mac}"]);
        }
        return args;
    }

    /// <summary>
    /// A unix socket path, or tcp:127.0.0.1:&lt;port&gt; for a QEMU on a remote host, whose QMP is
    /// reached through an SSH-forwarded port (SSH.NET forwards TCP only); never another address.
    /// </summary>
    public static string QmpChardev(string qmp)
    {
        if (qmp.StartsWith('/')) return $"unix:{qmp}";
        if (System.Text.RegularExpressions.Regex.IsMatch(qmp, @"^tcp:127\.0\.0\.1:[0-9]{1,5}$")) return qmp;
        throw new LabException(LabCodes.GuestBoot, $"'{qmp}' is not a QMP address VirtLab uses.", "give a unix socket path or tcp:127.0.0.1:<port>.");
    }

    /// <summary>-accel's value: kvm, tcg, or tcg,thread=single|multi for a scenario that chose TCG's threading.</summary>
    public static string Accel(GuestSpec g)
    {
        if (g.TcgThreads is not { } threads) return g.Accel;
        if (!GuestVariant.TcgThreadModes.Contains(threads))
            throw new LabException(LabCodes.GuestBoot, $"'{threads}' is not a TCG thread mode.", "use single or multi.");
        if (g.Accel != "tcg")
            throw new LabException(LabCodes.GuestBoot, $"Guest '{g.Name}' runs under {g.Accel}, which has no TCG thread mode ('{threads}').", "set TcgThreads only for TCG guests.");
        return $"tcg,thread={threads}";
    }

    /// <summary>-cpu's value: the guest's CpuModel, else host under KVM and max under TCG.</summary>
    public static string Cpu(GuestSpec g)
    {
        if (g.CpuModel is not { } model) return GuestVariant.DefaultCpuModel(g.Accel);
        return GuestVariant.IsCpuModel(model) ? model
            : throw new LabException(LabCodes.GuestBoot, $"'{model}' is not a -cpu value VirtLab passes on.", "use a model and feature switches of letters, digits and - _ . , + = (e.g. max,-pcid).");
    }

    public static string KernelArgs(GuestSpec g)
    {
        // QEMU's -L folders belong on QEMU's command line, not the guest kernel's.
        var args = new List<string>
        {
            "console=ttyS0", "quiet", "panic=-1",
            $"virtlab.ip={g.Address}/{g.PrefixLength}",
            $"virtlab.gw={g.Gateway}",
            $"virtlab.hostname={g.Name}",
        };
        foreach (var extra in g.ExtraKernelArgs ?? [])
        {
            if (!IsKernelArgument(extra))
                throw new LabException(LabCodes.GuestBoot, $"'{extra}' is not a kernel argument VirtLab passes on.", "use name or name=value with letters, digits and . _ - ,");
            args.Add(extra);
        }
        return string.Join(' ', args);
    }

    /// <summary>One kernel argument VirtLab passes on: name or name=value of letters, digits and . _ - , (no quoting, no spaces).</summary>
    public static bool IsKernelArgument(string argument) =>
        argument.Length > 0 && argument.All(ch => char.IsAsciiLetterOrDigit(ch) || "=._-,".Contains(ch));

    /// <summary>A locally administered, stable MAC for guest/NIC index pairs.</summary>
    public static string Mac(int guestIndex, int nicIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"52:54:00:1a:{guestIndex & 0xff:x2}:{nicIndex & 0xff:x2}");
}
