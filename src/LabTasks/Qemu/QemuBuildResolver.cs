using System.Diagnostics;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// Turns a declared QEMU build into a runnable one (<see cref="ResolvedQemuBuild"/>):
/// <c>distro</c> is the installed /usr/bin/qemu-system-x86_64; <c>path</c> a binary the item names,
/// checked with its firmware and modules folders; <c>debian-backports</c> Debian's backported QEMU,
/// from the cache under CACHE/qemu/ or fetched into it. Without a pinned Version and without
/// <paramref name="refresh"/>, a cached backports build is used without contacting the mirror.
/// </summary>
/// <param name="cacheDirectory">The cache (normally ~/.cache/virtlab/); fetched builds go to its qemu/ folder.</param>
/// <param name="mirror">The Debian mirror and codename; read from the system's apt sources and /etc/os-release only when a fetch needs them.</param>
/// <param name="refresh">Ask the mirror for a newer backports build even when one is cached.</param>
public sealed class QemuBuildResolver(string cacheDirectory, Func<DebianMirror>? mirror = null, bool refresh = false)
{
    private readonly Lazy<DebianMirror> _mirror = new(mirror ?? DebianMirror.FromSystem);

    public QemuBuildCache Cache { get; } = new(cacheDirectory);

    public QemuBuildResolver(string cacheDirectory, DebianMirror mirror, bool refresh = false) : this(cacheDirectory, () => mirror, refresh) { }

    public ResolvedQemuBuild Resolve(QemuBuildDeclaration build, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        return build.Kind switch
        {
            QemuBuildDeclaration.DistroKind => Distro(build, stopwatch, cancellationToken),
            QemuBuildDeclaration.PathKind => DeclaredPath(build, stopwatch, cancellationToken),
            QemuBuildDeclaration.BackportsKind => Backports(build, stopwatch, cancellationToken),
            _ => throw new LabException(LabCodes.QemuBuild, $"QEMU build '{build.Name}' has Kind=\"{build.Kind}\", which VirtLab does not know.",
                "use Kind=\"distro\", \"path\" or \"debian-backports\"."),
        };
    }

    private static ResolvedQemuBuild Distro(QemuBuildDeclaration build, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var program = QemuBinary.DistroProgram;
        if (!File.Exists(program))
            throw new LabException(LabCodes.MissingTool, $"QEMU build '{build.Name}' is the installed QEMU, but {program} does not exist.",
                ToolRegistry.InstallHint(program));
        var version = QemuProgramCheck.Version(build.Name, program, LabCodes.QemuBuild,
            $"reinstall Debian's QEMU (apt-get install --reinstall {ToolRegistry.PackageFor(program)}).", cancellationToken);
        return new ResolvedQemuBuild(new QemuBinary(build.Name, program, [], null, version), build.Kind,
            FileDigest.Sha256(program), null, QemuBuildOrigin.Installed, stopwatch.Elapsed);
    }

    private static ResolvedQemuBuild DeclaredPath(QemuBuildDeclaration build, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var program = build.Program!;
        var version = QemuProgramCheck.Version(build.Name, program, LabCodes.QemuBuild,
            $"set Program on <QemuBuild Include=\"{build.Name}\" /> to the absolute path of a qemu-system-x86_64 that runs here.", cancellationToken);
        if (build.FirmwareDirectories.Count > 0)
            QemuFirmwareCheck.Check(build.Name, build.FirmwareDirectories, LabCodes.QemuBuild,
                $"set Firmware on <QemuBuild Include=\"{build.Name}\" /> to folders (';'-separated) that hold this build's ROMs, e.g. its share/qemu folder;/usr/share/seabios.");
        if (build.Modules is { } modules && (!Path.IsPathFullyQualified(modules) || !Directory.Exists(modules)))
            throw new LabException(LabCodes.QemuBuild, $"QEMU build '{build.Name}': Modules folder '{modules}' does not exist.",
                $"set Modules on <QemuBuild Include=\"{build.Name}\" /> to the absolute path of this build's module folder, or remove it.");
        return new ResolvedQemuBuild(new QemuBinary(build.Name, program, build.FirmwareDirectories, build.Modules, version), build.Kind,
            FileDigest.Sha256(program), null, QemuBuildOrigin.Declared, stopwatch.Elapsed);
    }

    private ResolvedQemuBuild Backports(QemuBuildDeclaration build, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        Cache.RemoveAbandonedPartials();
        var cached = build.Version is { } pinned ? Cache.Find(pinned) : refresh ? null : Cache.Newest();
        FetchedQemuBuild fetched;
        bool fromMirror;
        if (cached is not null)
            (fetched, fromMirror) = (cached, false);
        else
            (fetched, fromMirror) = new BackportsFetcher(Cache, _mirror.Value).Fetch(build.Name, build.Version, cancellationToken);

        var deleteFix = $"delete {fetched.Folder} and build again (it is fetched anew).";
        var version = fromMirror ? fetched.Manifest.UpstreamVersion : QemuProgramCheck.Version(build.Name, fetched.Program, LabCodes.QemuFetch,
            $"the cached build does not run any more (a library it needs may have changed): {deleteFix}", cancellationToken);
        var sha256 = FileDigest.Sha256(fetched.Program);
        if (sha256 != fetched.Manifest.Sha256 || version != fetched.Manifest.UpstreamVersion)
            throw new LabException(LabCodes.QemuFetch,
                $"QEMU build '{build.Name}': {fetched.Program} is not the binary that was fetched (SHA-256 {sha256[..16]}…, version {version}; its manifest says {fetched.Manifest.Sha256[..16]}…, {fetched.Manifest.UpstreamVersion}).",
                deleteFix, fetched.Program);
        QemuFirmwareCheck.Check(build.Name, fetched.FirmwareDirectories, LabCodes.QemuBuild,
            $"install Debian's seabios package (apt-get install seabios: {FetchedQemuBuild.SystemSeabios}/{QemuFirmwareCheck.Bios}), or {deleteFix}");
        return new ResolvedQemuBuild(new QemuBinary(build.Name, fetched.Program, fetched.FirmwareDirectories, fetched.ModuleDirectory, version),
            build.Kind, sha256, fetched.Manifest.DebianVersion, fromMirror ? QemuBuildOrigin.Fetched : QemuBuildOrigin.Cache, stopwatch.Elapsed);
    }
}
