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
/// target VirtLabGuestImage) whose metadata are the image files, the keys, the addresses and the
/// guest's size. Every task that boots or reaches a guest takes that one item.
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
    string RunDirectory)
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
        Text(item, "RunDirectory"));

    /// <summary>The command line of a guest named <paramref name="name"/> with one NIC on its own tap.</summary>
    public GuestSpec Spec(string name, string accel, string nicModel, string kernelArguments, string? serialLog = null) =>
        new(name, accel, MemoryMiB, Vcpus, Kernel, Initramfs, Address, PrefixLength, HostAddress,
            [new GuestNic(nicModel, LabNetwork.TapName(name), QemuCommandLine.Mac(1, 0))],
            serialLog is { Length: > 0 } ? serialLog : SerialLog(name),
            kernelArguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public string SerialLog(string name) => Path.Combine(RunDirectory, name + ".serial.log");

    public GuestLauncher Launcher(LabState lab) => new(lab, PrivateKeyFile, HostKeyFile);

    public GuestSsh Ssh(LabState lab) =>
        GuestSsh.Connect(lab.NetworkNamespace, Address, PrivateKeyFile, HostKeyFile, TimeSpan.FromSeconds(30));

    /// <summary>The labels every record measured in this guest carries (size and kernel).</summary>
    public void AddLabels(IDictionary<string, string> labels)
    {
        labels["guest_memory_mib"] = MemoryMiB.ToString(CultureInfo.InvariantCulture);
        labels["guest_vcpus"] = Vcpus.ToString(CultureInfo.InvariantCulture);
        if (CellLabels.GuestKernel(ImageManifest) is { } kernel) labels["guest_kernel"] = kernel;
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
