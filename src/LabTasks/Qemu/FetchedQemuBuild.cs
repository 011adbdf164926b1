namespace VirtLab.Qemu;

/// <summary>
/// A QEMU build unpacked from Debian packages into a cache folder (dpkg -x layout): its binary, its
/// firmware folders (the build's own usr/share/qemu, then the system's seabios for bios-256k.bin,
/// which the qemu packages do not ship) and its own modules folder, so it never loads the system
/// QEMU's modules.
/// </summary>
public sealed record FetchedQemuBuild(string Folder, QemuBuildManifest Manifest)
{
    public const string ProgramPath = "usr/bin/qemu-system-x86_64";
    public const string DataPath = "usr/share/qemu";
    public const string ModulesPath = "usr/lib/x86_64-linux-gnu/qemu";
    public const string SystemSeabios = "/usr/share/seabios";

    public string Program => ProgramIn(Folder);
    public IReadOnlyList<string> FirmwareDirectories => FirmwareIn(Folder);
    public string ModuleDirectory => ModulesIn(Folder);

    public static string ProgramIn(string folder) => Path.Combine(folder, ProgramPath);
    public static IReadOnlyList<string> FirmwareIn(string folder) => [Path.Combine(folder, DataPath), SystemSeabios];
    public static string ModulesIn(string folder) => Path.Combine(folder, ModulesPath);

    /// <summary>The cache folder's build, when it is complete: a manifest that reads and its binary.</summary>
    public static FetchedQemuBuild? TryOpen(string folder) =>
        QemuBuildManifest.TryLoad(folder) is { } manifest && File.Exists(ProgramIn(folder)) ? new FetchedQemuBuild(folder, manifest) : null;
}
