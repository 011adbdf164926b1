using Microsoft.Build.Framework;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// The QEMU build a guest runs on (a QemuBuild item, resolved by ResolveQemuBuilds into a
/// VirtLabQemu item): its name, its qemu-system-x86_64, the firmware folders it searches (-L, in
/// order; none: the binary's compiled-in data folder), the folder of its loadable modules (a build
/// unpacked beside the system's QEMU must not load the system's) and its version.
/// </summary>
public sealed record QemuBinary(string Build, string Program, IReadOnlyList<string> FirmwareDirectories, string? ModuleDirectory, string? KnownVersion = null)
{
    public const string DistroBuild = "distro";
    public const string DistroProgram = "/usr/bin/qemu-system-x86_64";

    /// <summary>The system's QEMU, as Debian installed it.</summary>
    public static QemuBinary Distro { get; } = new(DistroBuild, DistroProgram, [], null);

    /// <summary>"7.2.22": from the resolved item, else asked of the binary (once per binary and process).</summary>
    public string Version => KnownVersion is { Length: > 0 } v ? v : QemuVersion.Of(Program);

    /// <summary>The resolved VirtLabQemu item a task was given, or the system's QEMU when it was given none.</summary>
    public static QemuBinary From(ITaskItem? item)
    {
        if (item is null || item.ItemSpec.Length == 0) return Distro;
        var program = item.GetMetadata("Program");
        if (!Path.IsPathFullyQualified(program))
            throw new LabException(LabCodes.QemuBuild, $"QEMU build '{item.ItemSpec}' has no absolute Program ('{program}').",
                "pass the item ResolveQemuBuilds made: Qemu=\"@(VirtLabQemu)\" (one of them).");
        var firmware = item.GetMetadata("Firmware").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var modules = item.GetMetadata("Modules");
        return new QemuBinary(item.ItemSpec, program, firmware, modules.Length > 0 ? modules : null, item.GetMetadata("Version"));
    }

    /// <summary>The program and arguments that start this build: its modules folder goes in through the environment (QEMU_MODULE_DIR).</summary>
    public (string Program, List<string> Arguments) Command(IEnumerable<string> arguments) =>
        ModuleDirectory is { } modules
            ? ("env", [$"QEMU_MODULE_DIR={modules}", Program, .. arguments])
            : (Program, [.. arguments]);

    /// <summary>-L for each firmware folder, in order.</summary>
    public IEnumerable<string> FirmwareArguments() => FirmwareDirectories.SelectMany(d => new[] { "-L", d });

    /// <summary>The labels every record measured on this build carries.</summary>
    public void AddLabels(IDictionary<string, string> labels)
    {
        labels["qemu_build"] = Build;
        labels["qemu_version"] = Version;
    }
}
