using System.Diagnostics;
using Microsoft.Build.Utilities;
using VirtLab.Qemu;
using VirtLab.Tasks;
using VirtLab.Util;
using Xunit.Abstractions;

namespace VirtLab.Tests;

/// <summary>
/// One real fetch of Debian's backported QEMU from this machine's own mirror into a temporary cache
/// (about 13 MB of packages), then a second resolve that must come from the cache with a mirror that
/// does not answer.
/// </summary>
public sealed class QemuBuildFetchTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("virtlab-qemubuild-fetch-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Fact]
    public void Debian_backports_is_fetched_once_then_resolved_from_the_cache_without_the_mirror()
    {
        var dpkgStatus = FileDigest.Sha256("/var/lib/dpkg/status");
        var systemLists = Directory.GetFiles("/var/lib/apt/lists").ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var mirror = DebianMirror.FromSystem();

        var stopwatch = Stopwatch.StartNew();
        var fetched = new QemuBuildResolver(_cache, mirror).Resolve(QemuBuildDeclaration.Create("debian-backports"));
        output.WriteLine($"{fetched.Describe()} ({fetched.DebianVersion}, from {mirror.Uri} {mirror.BackportsSuite}; resolve took {stopwatch.Elapsed.TotalSeconds:0.0} s)");

        Assert.Equal(QemuBuildOrigin.Fetched, fetched.Origin);
        Assert.StartsWith("10.", fetched.Binary.Version);
        var folder = Path.Combine(_cache, "qemu", DebianVersion.FolderName(fetched.DebianVersion!));
        Assert.Equal(Path.Combine(folder, "usr/bin/qemu-system-x86_64"), fetched.Binary.Program);
        var answer = ProcessRunner.RunChecked(LabCodes.QemuFetch, fetched.Binary.Program, ["--version"], TimeSpan.FromSeconds(20)).StandardOutput;
        Assert.StartsWith($"QEMU emulator version {fetched.Binary.Version} (Debian {fetched.DebianVersion})", answer);
        Assert.Equal([Path.Combine(folder, "usr/share/qemu"), "/usr/share/seabios"], fetched.Binary.FirmwareDirectories);
        Assert.All(fetched.Binary.FirmwareDirectories, d => Assert.True(Directory.Exists(d), d));
        Assert.True(File.Exists(Path.Combine(folder, "usr/share/qemu/linuxboot_dma.bin")));
        Assert.Equal(Path.Combine(folder, "usr/lib/x86_64-linux-gnu/qemu"), fetched.Binary.ModuleDirectory);
        Assert.True(Directory.Exists(fetched.Binary.ModuleDirectory));
        Assert.Equal(FileDigest.Sha256(fetched.Binary.Program), fetched.Sha256);

        var manifest = QemuBuildManifest.TryLoad(folder);
        Assert.NotNull(manifest);
        Assert.Equal(fetched.DebianVersion, manifest.DebianVersion);
        Assert.Equal(fetched.Binary.Version, manifest.UpstreamVersion);
        Assert.Equal(fetched.Sha256, manifest.Sha256);
        Assert.Equal(BackportsFetcher.Packages.Select(p => $"{p}={fetched.DebianVersion}"), manifest.Packages);
        Assert.Equal(mirror.BackportsSuite, manifest.Suite);
        Assert.True(DateTimeOffset.UtcNow - manifest.Fetched < TimeSpan.FromMinutes(20));
        // Only the build: no partial folder, no apt work files, no .deb left behind.
        Assert.Equal([folder], Directory.GetDirectories(Path.Combine(_cache, "qemu")));
        Assert.False(Directory.Exists(Path.Combine(folder, ".virtlab-apt")));
        Assert.Empty(Directory.GetFiles(folder, "*.deb", SearchOption.AllDirectories));
        output.WriteLine($"unpacked: {Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1e6:0.0} MB");

        // The system's apt state is untouched.
        Assert.Equal(dpkgStatus, FileDigest.Sha256("/var/lib/dpkg/status"));
        Assert.Equal(systemLists, Directory.GetFiles("/var/lib/apt/lists").ToDictionary(f => f, File.GetLastWriteTimeUtc));
        Assert.StartsWith("7.2.", QemuVersion.Installed());

        // Again, with a mirror that does not answer: the cache is enough when nothing is pinned and Refresh is false.
        var cached = new QemuBuildResolver(_cache, new DebianMirror("http://127.0.0.1:9/debian", mirror.Codename)).Resolve(QemuBuildDeclaration.Create("debian-backports"));
        Assert.Equal(QemuBuildOrigin.Cache, cached.Origin);
        AssertSame(fetched.Binary, cached.Binary);
        Assert.Equal(fetched.Sha256, cached.Sha256);
        output.WriteLine($"{cached.Describe()} in {cached.Elapsed.TotalSeconds:0.00} s");

        // With Refresh the mirror is asked; it serves nothing newer, so the cached build is used, not fetched again.
        var refreshed = new QemuBuildResolver(_cache, mirror, refresh: true).Resolve(QemuBuildDeclaration.Create("debian-backports"));
        Assert.Equal(QemuBuildOrigin.Cache, refreshed.Origin);
        Assert.Equal(fetched.Binary.Program, refreshed.Binary.Program);
        Assert.Equal(manifest.Fetched, QemuBuildManifest.TryLoad(folder)!.Fetched);
        Assert.Equal([folder], Directory.GetDirectories(Path.Combine(_cache, "qemu")));
        output.WriteLine($"with Refresh: {refreshed.Describe()} in {refreshed.Elapsed.TotalSeconds:0.00} s");

        // And through the task, with the item contract and the log line.
        var engine = new TestBuildEngine();
        var task = new ResolveQemuBuilds { BuildEngine = engine, Builds = [new TaskItem("debian-backports")], CacheDirectory = _cache };
        Assert.True(task.Execute(), engine.ErrorText);
        var item = Assert.Single(task.Resolved);
        Assert.Equal("debian-backports", item.GetMetadata("Kind"));
        Assert.Equal(fetched.DebianVersion, item.GetMetadata("DebianVersion"));
        Assert.Equal(fetched.Binary.Version, item.GetMetadata("Version"));
        Assert.Equal(fetched.Sha256[..16], item.GetMetadata("Sha256"));
        AssertSame(fetched.Binary, QemuBinary.From(item));
        Assert.Contains(engine.Messages, m => m == $"VirtLab: QEMU build 'debian-backports': {fetched.Binary.Version} at {fetched.Binary.Program}, from the cache");
    }

    private static void AssertSame(QemuBinary expected, QemuBinary actual)
    {
        Assert.Equal((expected.Build, expected.Program, expected.ModuleDirectory, expected.Version), (actual.Build, actual.Program, actual.ModuleDirectory, actual.Version));
        Assert.Equal(expected.FirmwareDirectories, actual.FirmwareDirectories);
    }
}
