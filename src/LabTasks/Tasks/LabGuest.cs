using System.Globalization;
using System.Net;
using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Qemu;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// The lab guest as the targets describe it once: the VirtLabGuest item (VirtLab.targets,
/// target VirtLabGuestImage) whose metadata are the image files, the keys, the addresses, the
/// guest's size and its kernel arguments (lab.yaml guest.kernelArguments). Every task that boots or
/// reaches a guest takes that one item, so every guest of every experiment boots the same way.
/// </summary>
public sealed record LabGuest(
    string Kernel,
    string Initramfs,
    string ImageManifest,
    string PrivateKeyFile,
    string HostKeyFile,
    IPAddress Address,
    int PrefixLength,
    IPAddress HostAddress,
    int MemoryMiB,
    int Vcpus,
    int BootTimeoutSeconds,
    string RunDirectory,
    string KernelArguments = "")
{
    public static LabGuest From(ITaskItem item) => new(
        Text(item, "Kernel"),
        Text(item, "Initramfs"),
        item.GetMetadata("ImageManifest"),
        Text(item, "PrivateKeyFile"),
        Text(item, "HostKeyFile"),
        IpAddress(item, "Address"),
        Number(item, "PrefixLength", 0, 32),
        IpAddress(item, "HostAddress"),
        Number(item, "MemoryMiB", 64, 65536),
        Number(item, "Vcpus", 1, 64),
        Number(item, "BootTimeoutSeconds", 1, 3600),
        Text(item, "RunDirectory"),
        KernelArgumentsOf(item));

    /// <summary>
    /// The command line of a guest named <paramref name="name"/> with one NIC on its own tap; a
    /// migration scenario's <paramref name="variant"/> replaces the kernel arguments, TCG's
    /// threading or the CPU model (none: this item's guest, as every experiment boots it).
    /// </summary>
    public GuestSpec Spec(string name, string accel, string nicModel, string? serialLog = null, QemuBinary? qemu = null, GuestVariant? variant = null) =>
        (variant ?? GuestVariant.Default).Apply(new(name, accel, MemoryMiB, Vcpus, Kernel, Initramfs, Address, PrefixLength, HostAddress,
            [new GuestNic(nicModel, LabNetwork.TapName(name), QemuCommandLine.Mac(1, 0))],
            serialLog is { Length: > 0 } ? serialLog : SerialLog(name),
            KernelArgumentList,
            TraceLog: TraceLog(name), Qemu: qemu));

    /// <summary>The extra kernel arguments, one per entry.</summary>
    public IReadOnlyList<string> KernelArgumentList => KernelArguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>What labels.guest_kernel_args says: the arguments as the guest got them, or "none".</summary>
    public string KernelArgumentsLabel => KernelArgumentList.Count == 0 ? "none" : string.Join(' ', KernelArgumentList);

    public string SerialLog(string name) => Path.Combine(RunDirectory, name + ".serial.log");

    /// <summary>Where the guest's QEMU writes trace events (enabled only for device counting runs).</summary>
    public string TraceLog(string name) => Path.Combine(RunDirectory, name + ".trace.log");

    public GuestLauncher Launcher(LabState lab) => new(lab, PrivateKeyFile, HostKeyFile);

    public GuestSsh Ssh(LabState lab) =>
        GuestSsh.Connect(lab.NetworkNamespace, Address, PrivateKeyFile, HostKeyFile, TimeSpan.FromSeconds(30));

    /// <summary>The labels every record measured in this guest carries (size, kernel and its arguments).</summary>
    public void AddLabels(IDictionary<string, string> labels)
    {
        labels["guest_memory_mib"] = MemoryMiB.ToString(CultureInfo.InvariantCulture);
        labels["guest_vcpus"] = Vcpus.ToString(CultureInfo.InvariantCulture);
        labels["guest_kernel_args"] = KernelArgumentsLabel;
        if (CellLabels.GuestKernel(ImageManifest) is { } kernel) labels["guest_kernel"] = kernel;
    }

    private static string KernelArgumentsOf(ITaskItem item)
    {
        var arguments = item.GetMetadata("KernelArguments").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return arguments.FirstOrDefault(a => !QemuCommandLine.IsKernelArgument(a)) is { } bad
            ? throw new LabException(LabCodes.ConfigBadValue, $"The guest item's KernelArguments has '{bad}', which is not a kernel argument VirtLab passes on.",
                "set guest.kernelArguments in lab.yaml to arguments separated by spaces, each name or name=value of letters, digits and . _ - ,")
            : string.Join(' ', arguments);
    }

    private static string Text(ITaskItem item, string name) =>
        item.GetMetadata(name) is { Length: > 0 } value ? value
            : throw new LabException(LabCodes.ConfigBadValue, $"The guest item '{item.ItemSpec}' has no {name}.",
                "pass the item VirtLabGuestImage defines: Guest=\"@(VirtLabGuest)\".");

    private static IPAddress IpAddress(ITaskItem item, string name) =>
        IPAddress.TryParse(Text(item, name), out var address) ? address
            : throw new LabException(LabCodes.ConfigBadValue, $"The guest item's {name} '{item.GetMetadata(name)}' is not an IP address.",
                "set network.hostAddress in lab.yaml to an address with a prefix, e.g. 10.1.1.254/24.");

    private static int Number(ITaskItem item, string name, int min, int max) =>
        int.TryParse(Text(item, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
            : throw new LabException(LabCodes.ConfigBadValue, $"The guest item's {name} '{item.GetMetadata(name)}' is not a whole number in {min}–{max}.",
                "fix the value in lab.yaml (docs/lab-yaml.md lists the ranges).");
}
