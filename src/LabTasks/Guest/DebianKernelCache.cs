using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>
/// Fetches a Debian kernel package with apt-get download and keeps it extracted in a cache folder:
/// CACHE/PACKAGE_VERSION/{boot,lib/modules/KVER} (plus a modules.dep made by depmod, which the .deb
/// does not ship — the package's postinst normally generates it).
/// </summary>
public sealed partial class DebianKernelCache(string cacheDirectory)
{
    private const string CompleteMarker = ".virtlab-complete";

    public string CacheDirectory { get; } = Path.GetFullPath(cacheDirectory);

    public KernelFiles Fetch(string package, CancellationToken cancellationToken = default)
    {
        var (concrete, version) = ResolvePackage(package, cancellationToken);
        var root = Path.Combine(CacheDirectory, $"{concrete}_{version.Replace(':', '+')}");
        if (!File.Exists(Path.Combine(root, CompleteMarker)))
            DownloadAndExtract(concrete, version, root, cancellationToken);
        return Describe(root, concrete, version);
    }

    /// <summary>A metapackage (linux-image-amd64) → the real package it depends on (linux-image-6.1.0-NN-amd64) and its version.</summary>
    public static (string Package, string Version) ResolvePackage(string package, CancellationToken cancellationToken = default)
    {
        if (!PackageName().IsMatch(package))
            throw new LabException(LabCodes.KernelFetch, $"'{package}' is not a Debian package name.", "set KernelPackage to e.g. linux-image-amd64");
        var fields = ShowPackage(package, cancellationToken);
        if (ConcreteKernelPackage().IsMatch(package)) return (package, fields.Version);
        var real = RealKernelDependency(fields.Depends)
            ?? throw new LabException(LabCodes.KernelFetch,
                $"{package} is neither a kernel image package nor a metapackage depending on one (Depends: {fields.Depends}).",
                "set KernelPackage to linux-image-amd64 or to a linux-image-VERSION-amd64 package");
        return (real, ShowPackage(real, cancellationToken).Version);
    }

    /// <summary>From "linux-image-6.1.0-56-amd64 (= 6.1.192-2), foo" → "linux-image-6.1.0-56-amd64".</summary>
    public static string? RealKernelDependency(string depends) =>
        depends.Split([',', '|'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(' ', 2)[0])
            .FirstOrDefault(d => ConcreteKernelPackage().IsMatch(d));

    /// <summary>Version and Depends of the candidate version (apt-cache show --no-all-versions).</summary>
    public static (string Version, string Depends) ParseShow(string output)
    {
        string? version = null, depends = "";
        foreach (var line in output.Split('\n'))
        {
            if (line.Length == 0 && version is not null) break; // only the first stanza
            if (line.StartsWith("Version: ", StringComparison.Ordinal)) version = line[9..].Trim();
            else if (line.StartsWith("Depends: ", StringComparison.Ordinal)) depends = line[9..].Trim();
        }
        return (version ?? throw new FormatException("apt-cache show printed no Version field."), depends);
    }

    private static (string Version, string Depends) ShowPackage(string package, CancellationToken cancellationToken)
    {
        var result = ProcessRunner.Run("apt-cache", ["show", "--no-all-versions", package], TimeSpan.FromMinutes(1), cancellationToken);
        if (!result.Succeeded || !result.StandardOutput.Contains("Version: "))
            throw new LabException(LabCodes.KernelFetch,
                $"apt does not know the package {package}: {ProcessRunner.Tail(result.StandardError + result.StandardOutput)}",
                "run apt-get update (the package lists may be missing), or check KernelPackage");
        return ParseShow(result.StandardOutput);
    }

    private void DownloadAndExtract(string package, string version, string root, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(CacheDirectory);
        RemoveAbandonedStaging();
        var deb = FindDeb(CacheDirectory, package, version) ?? Download(package, version, cancellationToken);

        var staging = Path.Combine(CacheDirectory, $".extract-{Guid.NewGuid():N}");
        try
        {
            Run("dpkg-deb", ["-x", deb, staging], TimeSpan.FromMinutes(5), cancellationToken);
            var kver = KernelVersionIn(staging);
            if (!File.Exists(Path.Combine(staging, "lib", "modules", kver, "modules.dep")))
                Run("depmod", ["-b", staging, kver], TimeSpan.FromMinutes(2), cancellationToken);
            File.WriteAllText(Path.Combine(staging, CompleteMarker), $"{package} {version}\n");
            if (File.Exists(Path.Combine(root, CompleteMarker))) return; // another build finished first; use theirs
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true); // a copy left incomplete by hand
            try
            {
                Directory.Move(staging, root);
            }
            catch (IOException) when (File.Exists(Path.Combine(root, CompleteMarker)))
            {
                // Another build extracted the same package at the same time; use theirs.
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private string Download(string package, string version, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(CacheDirectory, $".download-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            // As root, apt's sandbox user cannot write here; run the download as root instead of warning.
            var result = ProcessRunner.Run("apt-get", ["download", "-q", "-o", "APT::Sandbox::User=root", $"{package}={version}"],
                TimeSpan.FromMinutes(15), cancellationToken, workingDirectory: staging);
            var downloaded = FindDeb(staging, package, version);
            if (!result.Succeeded || downloaded is null)
                throw new LabException(LabCodes.KernelFetch,
                    $"apt-get download {package}={version} failed: {ProcessRunner.Tail(result.StandardError + result.StandardOutput)}",
                    "check that a Debian mirror is reachable (apt-get update), or use KernelSource=path");
            var target = Path.Combine(CacheDirectory, Path.GetFileName(downloaded));
            File.Move(downloaded, target, overwrite: true);
            return target;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Staging folders of builds that were killed (an extraction is ~400 MB); an hour is far longer than any live one takes.</summary>
    private void RemoveAbandonedStaging()
    {
        foreach (var dir in Directory.EnumerateDirectories(CacheDirectory, ".*-*"))
        {
            var name = Path.GetFileName(dir);
            if (!name.StartsWith(".extract-", StringComparison.Ordinal) && !name.StartsWith(".download-", StringComparison.Ordinal)) continue;
            if (Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddHours(-1)) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string? FindDeb(string directory, string package, string version)
    {
        // apt writes an epoch's ':' as "%3a" in file names.
        var name = $"{package}_{version.Replace(":", "%3a")}_";
        return Directory.EnumerateFiles(directory, "*.deb")
            .FirstOrDefault(f => Path.GetFileName(f).StartsWith(name, StringComparison.Ordinal));
    }

    private static KernelFiles Describe(string root, string package, string version)
    {
        var kver = KernelVersionIn(root);
        var vmlinuz = Path.Combine(root, "boot", $"vmlinuz-{kver}");
        if (!File.Exists(vmlinuz))
            throw new LabException(LabCodes.KernelFetch, $"The package {package} has no boot/vmlinuz-{kver}.",
                $"delete {root} and build again");
        return new KernelFiles(vmlinuz, Path.Combine(root, "lib", "modules", kver), kver, KernelSourceKind.Debian, package, version);
    }

    private static string KernelVersionIn(string root)
    {
        var modules = Path.Combine(root, "lib", "modules");
        var versions = Directory.Exists(modules) ? Directory.GetDirectories(modules) : [];
        if (versions.Length != 1)
            throw new LabException(LabCodes.KernelFetch, $"Expected exactly one kernel under {modules}, found {versions.Length}.",
                "set KernelPackage to a linux-image package");
        return Path.GetFileName(versions[0]);
    }

    private static void Run(string program, string[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = ProcessRunner.Run(program, args, timeout, cancellationToken);
        if (!result.Succeeded)
            throw new LabException(LabCodes.KernelFetch,
                $"'{program} {string.Join(' ', args)}' exited with {result.ExitCode}: {ProcessRunner.Tail(result.StandardError + result.StandardOutput)}");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex PackageName();

    [GeneratedRegex(@"^linux-image-[0-9][a-z0-9+.-]*$")]
    private static partial Regex ConcreteKernelPackage();
}
