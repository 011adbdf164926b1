using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// apt with a configuration of its own in <see cref="WorkDirectory"/>: its own sources.list (one
/// mirror's backports suite), package lists, cache and an empty dpkg status, so it never reads or
/// changes the system's sources, lists, status or installed packages, and takes no system lock.
/// </summary>
public sealed class PrivateApt
{
    public static readonly TimeSpan UpdateTimeout = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(15);

    public PrivateApt(string workDirectory, DebianMirror mirror)
    {
        WorkDirectory = Path.GetFullPath(workDirectory);
        Mirror = mirror;
        Directory.CreateDirectory(Path.Combine(WorkDirectory, "lists", "partial"));
        Directory.CreateDirectory(Path.Combine(WorkDirectory, "cache", "archives", "partial"));
        File.WriteAllText(SourcesList, mirror.BackportsSourcesList);
    }

    public string WorkDirectory { get; }
    public DebianMirror Mirror { get; }
    public string SourcesList => Path.Combine(WorkDirectory, "sources.list");

    /// <summary>The -o options that make apt use only this configuration's files.</summary>
    public IReadOnlyList<string> Options =>
    [
        "-o", $"Dir::Etc::SourceList={SourcesList}",
        "-o", "Dir::Etc::SourceParts=/nonexistent",
        "-o", $"Dir::State::Lists={Path.Combine(WorkDirectory, "lists")}",
        "-o", $"Dir::Cache={Path.Combine(WorkDirectory, "cache")}",
        "-o", "Dir::State::status=/dev/null",
        "-o", "Debug::NoLocking=1",
        "-o", "APT::Sandbox::User=root",
    ];

    /// <summary>apt-get update of the private lists; any index that does not arrive is an error (apt alone would only warn).</summary>
    public void Update(string build, CancellationToken cancellationToken)
    {
        var result = Run("apt-get", ["-q", .. Options, "-o", "Acquire::Retries=1", "-o", "Acquire::http::Timeout=30",
            "-o", "Acquire::https::Timeout=30", "--error-on=any", "update"], "update", UpdateTimeout, null, build, cancellationToken);
        if (!result.Succeeded)
            throw new LabException(LabCodes.QemuFetch,
                $"QEMU build '{build}': the Debian mirror {Mirror.Uri} ({Mirror.BackportsSuite}) could not be read: {OneLineTail(result)}",
                $"check the network and that {Mirror.Uri} answers (or a proxy in /etc/apt/apt.conf.d); a build fetched before is used without the network when no Version is pinned and Refresh is false.");
    }

    /// <summary>The versions the mirror serves of each of <paramref name="packages"/> (apt-cache madison), as apt spells them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ServedVersions(string build, IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        var result = Run("apt-cache", [.. Options, "madison", .. packages], "madison", QueryTimeout, null, build, cancellationToken);
        if (!result.Succeeded)
            throw new LabException(LabCodes.QemuFetch, $"QEMU build '{build}': apt-cache madison failed: {OneLineTail(result)}",
                "check the network and the mirror, then build again.");
        return ParseMadison(result.StandardOutput, packages);
    }

    /// <summary>"qemu-system-x86 | 1:10.0.2+ds-2+deb13u1~bpo12+1 | http://… bookworm-backports/main amd64 Packages" lines → versions per package (binary packages only).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseMadison(string output, IEnumerable<string> packages)
    {
        var versions = packages.ToDictionary(p => p, _ => new List<string>());
        foreach (var line in output.Split('\n'))
        {
            var fields = line.Split('|', StringSplitOptions.TrimEntries);
            if (fields.Length < 3 || !versions.TryGetValue(fields[0], out var list)) continue;
            if (!fields[2].EndsWith(" Packages", StringComparison.Ordinal) || !DebianVersion.IsValid(fields[1])) continue;
            if (!list.Contains(fields[1])) list.Add(fields[1]);
        }
        return versions.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
    }

    /// <summary>apt-get download PACKAGE=VERSION … into <paramref name="directory"/>; returns the .deb files.</summary>
    public IReadOnlyList<string> Download(string build, IReadOnlyList<string> packageVersions, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var result = Run("apt-get", ["-q", .. Options, "-o", "Acquire::Retries=1", "download", .. packageVersions], "download", DownloadTimeout, directory, build, cancellationToken);
        var debs = Directory.GetFiles(directory, "*.deb");
        if (!result.Succeeded || debs.Length != packageVersions.Count)
            throw new LabException(LabCodes.QemuFetch,
                $"QEMU build '{build}': apt-get download {string.Join(' ', packageVersions)} from {Mirror.Uri} failed (exit {result.ExitCode}, {debs.Length} of {packageVersions.Count} packages): {OneLineTail(result)}",
                "check the network and the mirror, then build again.");
        return debs.Order(StringComparer.Ordinal).ToList();
    }

    private static ProcessResult Run(string program, List<string> arguments, string verb, TimeSpan timeout, string? workingDirectory, string build, CancellationToken cancellationToken)
    {
        try
        {
            return ProcessRunner.Run(program, arguments, timeout, cancellationToken, workingDirectory: workingDirectory);
        }
        catch (TimeoutException)
        {
            throw new LabException(LabCodes.QemuFetch, $"QEMU build '{build}': {program} {verb} did not finish within {timeout.TotalMinutes:0.#} min.",
                "check the network and the mirror (a slow or silent mirror), then build again.");
        }
    }

    private static string OneLineTail(ProcessResult result) =>
        LabException.OneLine(ProcessRunner.Tail(result.StandardError.Trim().Length > 0 ? result.StandardError : result.StandardOutput, 400));
}
