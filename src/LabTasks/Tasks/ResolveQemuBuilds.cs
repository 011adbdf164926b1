using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using VirtLab.Qemu;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Resolves the experiment's QemuBuild items into runnable QEMU builds (<see cref="QemuBuildResolver"/>):
/// one Resolved item per build, ItemSpec = the build's name, with metadata Kind, Program, Firmware
/// (';'-joined -L folders, in order), Modules, Version (upstream, "10.0.2"), DebianVersion (for a
/// Debian package build) and Sha256 (the binary's first 16 hex digits) — what
/// <see cref="QemuBinary.From"/> reads. A fetched build lands in CacheDirectory/qemu/.
/// </summary>
public sealed class ResolveQemuBuilds : LabTask
{
    [Required] public ITaskItem[] Builds { get; set; } = [];
    [Required] public string CacheDirectory { get; set; } = "";

    /// <summary>Ask the mirror for a newer debian-backports build even when one is cached.</summary>
    public bool Refresh { get; set; }

    [Output] public ITaskItem[] Resolved { get; private set; } = [];

    protected override void Run()
    {
        var declarations = Builds.Select(QemuBuildDeclaration.From).ToList();
        var twice = declarations.GroupBy(d => d.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0)
            throw new LabException(LabCodes.QemuBuild, $"QEMU build{(twice.Count > 1 ? "s" : "")} '{string.Join("', '", twice)}' declared more than once.",
                "declare each QemuBuild name once (its records are told apart by the name).");

        var resolver = new QemuBuildResolver(CacheDirectory, refresh: Refresh);
        var resolved = new List<ITaskItem>();
        foreach (var declaration in declarations)
        {
            Cancellation.ThrowIfCancellationRequested();
            var build = resolver.Resolve(declaration, Cancellation);
            resolved.Add(ToItem(build));
            Log.LogMessage(MessageImportance.High, $"VirtLab: QEMU build '{declaration.Name}': {build.Describe()}");
        }
        Resolved = [.. resolved];
    }

    /// <summary>The item contract <see cref="QemuBinary.From"/> reads.</summary>
    public static ITaskItem ToItem(ResolvedQemuBuild build)
    {
        var item = new TaskItem(build.Binary.Build);
        item.SetMetadata("Kind", build.Kind);
        item.SetMetadata("Program", build.Binary.Program);
        item.SetMetadata("Firmware", string.Join(';', build.Binary.FirmwareDirectories));
        item.SetMetadata("Modules", build.Binary.ModuleDirectory ?? "");
        item.SetMetadata("Version", build.Binary.Version);
        item.SetMetadata("DebianVersion", build.DebianVersion ?? "");
        item.SetMetadata("Sha256", build.ShortSha256);
        return item;
    }
}
