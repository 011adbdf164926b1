using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// The fetched QEMU builds in CACHE/qemu/: one folder per Debian version (named by
/// <see cref="DebianVersion.FolderName"/>), each complete or absent. A fetch works in
/// CACHE/qemu/.partial-PID-RANDOM/ and renames it into place; partial folders whose process is
/// gone are removed by the next resolve.
/// </summary>
public sealed class QemuBuildCache(string cacheDirectory)
{
    public const string PartialPrefix = ".partial-";

    /// <summary>CACHE/qemu.</summary>
    public string Root { get; } = Path.Combine(Path.GetFullPath(cacheDirectory), "qemu");

    public string FolderFor(string debianVersion) => Path.Combine(Root, DebianVersion.FolderName(debianVersion));

    /// <summary>The complete builds in the cache (folders without a readable manifest and binary are not builds).</summary>
    public IReadOnlyList<FetchedQemuBuild> Builds() =>
        !Directory.Exists(Root) ? [] :
        [.. Directory.EnumerateDirectories(Root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Select(FetchedQemuBuild.TryOpen)
            .OfType<FetchedQemuBuild>()];

    public FetchedQemuBuild? Newest() => Builds().MaxBy(b => b.Manifest.DebianVersion, DebianVersion.Comparer);

    /// <summary>The cached build of exactly <paramref name="debianVersion"/> (with or without its epoch).</summary>
    public FetchedQemuBuild? Find(string debianVersion) =>
        FetchedQemuBuild.TryOpen(FolderFor(debianVersion)) is { } build
        && DebianVersion.WithoutEpoch(build.Manifest.DebianVersion) == DebianVersion.WithoutEpoch(debianVersion) ? build : null;

    /// <summary>A new, empty CACHE/qemu/.partial-PID-RANDOM folder.</summary>
    public string CreatePartial()
    {
        Directory.CreateDirectory(Root);
        var partial = Path.Combine(Root, $"{PartialPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(partial);
        return partial;
    }

    /// <summary>Removes the partial folders of processes that no longer run (a fetch killed half-way); returns them.</summary>
    public IReadOnlyList<string> RemoveAbandonedPartials()
    {
        if (!Directory.Exists(Root)) return [];
        var removed = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(Root, PartialPrefix + "*"))
        {
            var rest = Path.GetFileName(dir)[PartialPrefix.Length..];
            var dash = rest.IndexOf('-');
            if (!int.TryParse(dash > 0 ? rest[..dash] : rest, out var pid) || pid <= 0) continue;
            if (IsAlive(pid)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed.Add(dir);
            }
            catch (IOException) { } // another resolve removed it first
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>
    /// Renames a complete partial folder (its manifest written) into the folder of its version. If
    /// another build put a complete one there first, ours is deleted and theirs is used.
    /// </summary>
    public FetchedQemuBuild Publish(string partial)
    {
        var built = FetchedQemuBuild.TryOpen(partial) ?? throw new InvalidOperationException($"{partial} is not a complete QEMU build.");
        var target = FolderFor(built.Manifest.DebianVersion);
        if (FetchedQemuBuild.TryOpen(target) is { } theirs)
        {
            DeleteQuietly(partial);
            return theirs;
        }
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true); // incomplete (no manifest): never renamed into place by VirtLab
        try
        {
            Directory.Move(partial, target);
        }
        catch (IOException) when (FetchedQemuBuild.TryOpen(target) is not null)
        {
            DeleteQuietly(partial); // another build renamed its copy into place between our check and our rename
            return FetchedQemuBuild.TryOpen(target)!;
        }
        return FetchedQemuBuild.TryOpen(target)
            ?? throw new LabException(LabCodes.QemuFetch, $"The fetched QEMU build at {target} is incomplete right after it was renamed into place.", $"delete {target} and build again.");
    }

    public static void DeleteQuietly(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");
}
