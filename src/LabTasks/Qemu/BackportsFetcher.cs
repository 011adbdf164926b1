using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// Fetches Debian's backported QEMU (qemu-system-x86, -common and -data of one version) from the
/// mirror's CODENAME-backports suite through a <see cref="PrivateApt"/>, unpacks it with dpkg-deb
/// into a partial folder of the <see cref="QemuBuildCache"/>, checks that its binary runs, writes
/// its manifest and renames it into place. On any failure the partial folder is deleted.
/// </summary>
public sealed partial class BackportsFetcher(QemuBuildCache cache, DebianMirror mirror)
{
    public const string MainPackage = "qemu-system-x86";
    public static IReadOnlyList<string> Packages { get; } = [MainPackage, "qemu-system-common", "qemu-system-data"];
    private const string AptFolder = ".virtlab-apt";
    private static readonly TimeSpan UnpackTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The build of <paramref name="pinnedVersion"/> (or the newest the mirror serves): from the
    /// cache when it holds that version (the mirror is asked which version is newest), else fetched.
    /// </summary>
    public (FetchedQemuBuild Build, bool Fetched) Fetch(string build, string? pinnedVersion, CancellationToken cancellationToken = default)
    {
        var partial = cache.CreatePartial();
        try
        {
            var apt = new PrivateApt(Path.Combine(partial, AptFolder), mirror);
            apt.Update(build, cancellationToken);
            var served = apt.ServedVersions(build, Packages, cancellationToken);
            var version = ChooseVersion(build, served[MainPackage], pinnedVersion, mirror);
            if (cache.Find(version) is { } cached)
            {
                QemuBuildCache.DeleteQuietly(partial);
                return (cached, false);
            }

            var packageVersions = Packages.Select(p => $"{p}={CompanionVersion(build, p, served[p], version, mirror)}").ToList();
            var debs = apt.Download(build, packageVersions, Path.Combine(partial, AptFolder, "debs"), cancellationToken);
            foreach (var deb in debs) Unpack(build, deb, partial, cancellationToken);
            Directory.Delete(Path.Combine(partial, AptFolder), recursive: true);
            Directory.CreateDirectory(FetchedQemuBuild.ModulesIn(partial)); // QEMU_MODULE_DIR names a real folder even if no package ships modules

            var program = FetchedQemuBuild.ProgramIn(partial);
            var upstream = QemuProgramCheck.Version(build, program, LabCodes.QemuFetch,
                $"the binary of qemu-system-x86 {version} does not run on this machine (a library it needs may be too old here); pin an older Version, or use Kind=\"distro\".",
                cancellationToken);
            new QemuBuildManifest(version, upstream, FileDigest.Sha256(program), packageVersions, mirror.Uri, mirror.BackportsSuite, DateTimeOffset.UtcNow)
                .Save(partial);
            return (cache.Publish(partial), true);
        }
        finally
        {
            QemuBuildCache.DeleteQuietly(partial); // gone already when it was renamed into place
        }
    }

    /// <summary>The pinned version if the mirror serves it (with or without its epoch), else the newest served.</summary>
    public static string ChooseVersion(string build, IReadOnlyList<string> served, string? pinnedVersion, DebianMirror mirror)
    {
        if (served.Count == 0)
            throw new LabException(LabCodes.QemuFetch, $"QEMU build '{build}': {mirror.Uri} serves no {MainPackage} in {mirror.BackportsSuite}.",
                $"check that {mirror.BackportsSuite} exists for this release and carries QEMU, or use Kind=\"distro\" or \"path\".");
        if (pinnedVersion is null) return served.Max(DebianVersion.Comparer)!;
        return served.FirstOrDefault(v => v == pinnedVersion || DebianVersion.WithoutEpoch(v) == DebianVersion.WithoutEpoch(pinnedVersion))
            ?? throw new LabException(LabCodes.QemuFetch,
                $"QEMU build '{build}': {mirror.Uri} {mirror.BackportsSuite} does not serve {MainPackage} {pinnedVersion} (it serves {string.Join(", ", served)}).",
                "pin a version the mirror serves, or remove Version to take the newest.");
    }

    /// <summary>
    /// The version of a companion package that goes with <paramref name="version"/>: the same, or —
    /// after a binary-only rebuild (+bN) of the architecture-dependent packages — the version without it.
    /// </summary>
    public static string CompanionVersion(string build, string package, IReadOnlyList<string> served, string version, DebianMirror mirror)
    {
        if (served.Contains(version)) return version;
        var source = BinNmu().Replace(version, "");
        if (served.Contains(source)) return source;
        throw new LabException(LabCodes.QemuFetch,
            $"QEMU build '{build}': {mirror.Uri} {mirror.BackportsSuite} serves {MainPackage} {version} but not {package} {version} (it serves {(served.Count > 0 ? string.Join(", ", served) : "none")}).",
            "build again later (the mirror may be half-way through an update), or pin a Version whose packages are all served.");
    }

    private static void Unpack(string build, string deb, string root, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try { result = ProcessRunner.Run("dpkg-deb", ["-x", deb, root], UnpackTimeout, cancellationToken); }
        catch (TimeoutException) { throw new LabException(LabCodes.QemuFetch, $"QEMU build '{build}': dpkg-deb -x {Path.GetFileName(deb)} did not finish within {UnpackTimeout.TotalMinutes:0} min.", "build again."); }
        if (!result.Succeeded)
            throw new LabException(LabCodes.QemuFetch,
                $"QEMU build '{build}': dpkg-deb -x {Path.GetFileName(deb)} failed: {LabException.OneLine(ProcessRunner.Tail(result.StandardError + result.StandardOutput, 300))}",
                "check the free space under the cache folder, then build again.");
    }

    [GeneratedRegex(@"\+b[0-9]+\z")]
    private static partial Regex BinNmu();
}
