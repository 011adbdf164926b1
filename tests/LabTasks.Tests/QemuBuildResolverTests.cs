using VirtLab.Qemu;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// Resolving declared QEMU builds without the network: the installed QEMU, path builds and their
/// errors, and debian-backports builds from a cache (made here from the installed binary) or from a
/// mirror that does not answer.
/// </summary>
public sealed class QemuBuildResolverTests : IDisposable
{
    private const string Unreachable = "http://127.0.0.1:9/debian";
    private readonly string _dir = Directory.CreateTempSubdirectory("virtlab-qemubuild-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Cache => Path.Combine(_dir, "cache");
    private string QemuCache => Path.Combine(Cache, "qemu");

    /// <summary>A resolver whose mirror must not be asked: the test fails if it is.</summary>
    private QemuBuildResolver Offline(bool refresh = false) =>
        new(Cache, () => throw new InvalidOperationException("the mirror was asked"), refresh);

    private static ResolvedQemuBuild Resolve(QemuBuildDeclaration build) => new QemuBuildResolver("/nonexistent-cache").Resolve(build);

    private static LabException Fails(Func<object> resolve, string code)
    {
        var e = Assert.Throws<LabException>(resolve);
        Assert.Equal(code, e.Code);
        Assert.DoesNotContain("\n", e.FullMessage);
        return e;
    }

    [Fact]
    public void Distro_is_the_installed_QEMU_7_2_with_its_sha256_and_no_firmware_or_modules()
    {
        var resolved = Resolve(QemuBuildDeclaration.Create("distro"));

        Assert.Equal("distro", resolved.Kind);
        Assert.Equal(QemuBinary.DistroProgram, resolved.Binary.Program);
        Assert.StartsWith("7.2.", resolved.Binary.Version);
        Assert.Empty(resolved.Binary.FirmwareDirectories);
        Assert.Null(resolved.Binary.ModuleDirectory);
        Assert.Null(resolved.DebianVersion);
        Assert.Equal(QemuBuildOrigin.Installed, resolved.Origin);
        var sha256sum = ProcessRunner.RunChecked(LabCodes.MissingTool, "sha256sum", [QemuBinary.DistroProgram], TimeSpan.FromSeconds(30)).StandardOutput.Split(' ')[0];
        Assert.Equal(sha256sum, resolved.Sha256);
        Assert.Equal(sha256sum[..16], resolved.ShortSha256);
    }

    [Theory]
    [InlineData("distro", "distro")]
    [InlineData("debian-backports", "debian-backports")]
    public void The_two_known_names_imply_their_kind(string name, string kind)
    {
        Assert.Equal(kind, QemuBuildDeclaration.Create(name).Kind);
    }

    [Fact]
    public void Another_name_without_Kind_is_LAB0013_naming_the_build_and_the_fix()
    {
        var e = Fails(() => QemuBuildDeclaration.Create("qemu-10"), LabCodes.QemuBuild);
        Assert.Contains("'qemu-10'", e.Message);
        Assert.Contains("Kind=\"path\"", e.Fix);
    }

    [Fact]
    public void An_unknown_kind_is_LAB0013()
    {
        var e = Fails(() => QemuBuildDeclaration.Create("mine", kind: "git"), LabCodes.QemuBuild);
        Assert.Contains("'mine'", e.Message);
        Assert.Contains("Kind=\"git\"", e.Message);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("Distro")]
    [InlineData("-x")]
    [InlineData("a b")]
    [InlineData("")]
    public void A_name_that_cannot_be_a_path_part_is_LAB0006(string name)
    {
        var e = Fails(() => QemuBuildDeclaration.Create(name, kind: "distro"), LabCodes.NameNotAPathPart);
        Assert.Contains($"'{name}'", e.Message);
    }

    [Fact]
    public void Metadata_the_kind_does_not_take_is_LAB0013()
    {
        var e = Fails(() => QemuBuildDeclaration.Create("distro", program: "/usr/bin/qemu-system-x86_64"), LabCodes.QemuBuild);
        Assert.Contains("Program", e.Message);
        e = Fails(() => QemuBuildDeclaration.Create("mine", kind: "path", program: "/usr/bin/qemu-system-x86_64", version: "1:10.0.2-1"), LabCodes.QemuBuild);
        Assert.Contains("Version", e.Message);
        e = Fails(() => QemuBuildDeclaration.Create("debian-backports", version: "../../x"), LabCodes.QemuBuild);
        Assert.Contains("not a Debian version", e.Message);
    }

    [Fact]
    public void A_path_build_without_Program_is_LAB0013()
    {
        var e = Fails(() => QemuBuildDeclaration.Create("mine", kind: "path"), LabCodes.QemuBuild);
        Assert.Contains("'mine'", e.Message);
        Assert.Contains("no Program", e.Message);
        Assert.Contains("Program=", e.Fix);
    }

    [Fact]
    public void A_path_build_whose_program_is_missing_is_LAB0013()
    {
        var program = Path.Combine(_dir, "qemu-system-x86_64");
        var e = Fails(() => Resolve(QemuBuildDeclaration.Create("mine", kind: "path", program: program)), LabCodes.QemuBuild);
        Assert.Contains("'mine'", e.Message);
        Assert.Contains($"{program} does not exist", e.Message);
    }

    [Fact]
    public void A_relative_program_is_LAB0013()
    {
        var e = Fails(() => Resolve(QemuBuildDeclaration.Create("mine", kind: "path", program: "qemu-system-x86_64")), LabCodes.QemuBuild);
        Assert.Contains("not an absolute path", e.Message);
    }

    [Fact]
    public void A_path_build_whose_program_is_not_executable_is_LAB0013()
    {
        var program = Path.Combine(_dir, "qemu-system-x86_64");
        File.Copy(QemuBinary.DistroProgram, program);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var e = Fails(() => Resolve(QemuBuildDeclaration.Create("mine", kind: "path", program: program)), LabCodes.QemuBuild);
        Assert.Contains("'mine'", e.Message);
        Assert.Contains("is not executable", e.Message);
        Assert.Contains("chmod +x", e.Fix);
    }

    [Fact]
    public void A_path_build_whose_program_is_a_script_that_is_not_QEMU_is_LAB0013()
    {
        var program = Path.Combine(_dir, "qemu-system-x86_64");
        File.WriteAllText(program, "#!/bin/sh\necho 'not an emulator, version 9.9'\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var e = Fails(() => Resolve(QemuBuildDeclaration.Create("mine", kind: "path", program: program)), LabCodes.QemuBuild);
        Assert.Contains("'mine'", e.Message);
        Assert.Contains("not a QEMU", e.Message);
        Assert.Contains("not an emulator", e.Message); // what it answered
    }

    [Fact]
    public void A_path_build_on_the_installed_binary_with_its_firmware_folders_resolves()
    {
        var resolved = Resolve(QemuBuildDeclaration.Create("system-copy", kind: "path", program: QemuBinary.DistroProgram,
            firmware: "/usr/share/qemu;/usr/share/seabios"));

        Assert.Equal("path", resolved.Kind);
        Assert.Equal(QemuBinary.DistroProgram, resolved.Binary.Program);
        Assert.Equal(["/usr/share/qemu", "/usr/share/seabios"], resolved.Binary.FirmwareDirectories);
        Assert.Equal(["-L", "/usr/share/qemu", "-L", "/usr/share/seabios"], resolved.Binary.FirmwareArguments());
        Assert.StartsWith("7.2.", resolved.Binary.Version);
        Assert.Equal(FileDigest.Sha256(QemuBinary.DistroProgram), resolved.Sha256);
        Assert.Equal(QemuBuildOrigin.Declared, resolved.Origin);
    }

    [Fact]
    public void A_firmware_folder_that_does_not_exist_is_LAB0013()
    {
        var missing = Path.Combine(_dir, "no-such-folder");
        var e = Fails(() => Resolve(QemuBuildDeclaration.Create("mine", kind: "path", program: QemuBinary.DistroProgram,
            firmware: $"/usr/share/qemu;{missing}")), LabCodes.QemuBuild);
        Assert.Contains("'mine'", e.Message);
        Assert.Contains($"{missing} does not exist", e.Message);
    }

    [Fact]
    public void A_firmware_folder_without_the_roms_is_LAB0013_naming_what_is_missing()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "firmware")).FullName;
        var e = Fails(() => Resolve(QemuBuildDeclaration.Create("mine", kind: "path", program: QemuBinary.DistroProgram, firmware: empty)), LabCodes.QemuBuild);
        Assert.Contains("'mine'", e.Message);
        Assert.Contains("linuxboot_dma.bin or pvh.bin", e.Message);
        Assert.Contains("bios-256k.bin", e.Message);

        // QEMU's data folder alone lacks the BIOS, which Debian ships in seabios.
        e = Fails(() => Resolve(QemuBuildDeclaration.Create("mine", kind: "path", program: QemuBinary.DistroProgram, firmware: "/usr/share/qemu")), LabCodes.QemuBuild);
        Assert.Contains("bios-256k.bin", e.Message);
        Assert.DoesNotContain("pvh.bin", e.Message);
    }

    [Fact]
    public void A_modules_folder_that_does_not_exist_is_LAB0013()
    {
        var e = Fails(() => Resolve(QemuBuildDeclaration.Create("mine", kind: "path", program: QemuBinary.DistroProgram,
            modules: Path.Combine(_dir, "modules"))), LabCodes.QemuBuild);
        Assert.Contains("Modules folder", e.Message);
    }

    [Fact]
    public void Backports_from_a_mirror_that_does_not_answer_is_LAB0022_and_leaves_no_partial_folder()
    {
        var resolver = new QemuBuildResolver(Cache, new DebianMirror(Unreachable, "bookworm"));

        var e = Fails(() => resolver.Resolve(QemuBuildDeclaration.Create("debian-backports")), LabCodes.QemuFetch);

        Assert.Contains("'debian-backports'", e.Message);
        Assert.Contains("the Debian mirror http://127.0.0.1:9/debian (bookworm-backports) could not be read", e.Message);
        Assert.Contains("Connection refused", e.Message); // apt's own reason, on the same line
        Assert.True(Directory.Exists(QemuCache)); // the fetch had started
        Assert.Empty(Directory.EnumerateFileSystemEntries(QemuCache));
    }

    [Fact]
    public void A_partial_folder_of_a_dead_process_is_removed_and_one_of_a_live_process_is_kept()
    {
        var deadPid = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim()) + 1; // no process can have it
        var dead = Directory.CreateDirectory(Path.Combine(QemuCache, $".partial-{deadPid}-x", "usr", "bin")).Parent!.Parent!.FullName;
        var live = Directory.CreateDirectory(Path.Combine(QemuCache, $".partial-{Environment.ProcessId}-y")).FullName;

        Fails(() => new QemuBuildResolver(Cache, new DebianMirror(Unreachable, "bookworm")).Resolve(QemuBuildDeclaration.Create("debian-backports")),
            LabCodes.QemuFetch);

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
        Assert.Equal([live], Directory.GetDirectories(QemuCache));
    }

    [Fact]
    public void Without_a_pin_or_Refresh_the_newest_cached_build_is_used_without_asking_the_mirror()
    {
        CachedBuild("1:7.2+dfsg-7+deb12u18~bpo11+1");
        var newest = CachedBuild("1:7.2+dfsg-7+deb12u18");
        Directory.CreateDirectory(Path.Combine(QemuCache, "9.9.9-1", "usr", "bin")); // no manifest: not a build, even if it sorts last

        var resolved = Offline().Resolve(QemuBuildDeclaration.Create("debian-backports"));

        Assert.Equal(QemuBuildOrigin.Cache, resolved.Origin);
        Assert.Equal("1:7.2+dfsg-7+deb12u18", resolved.DebianVersion);
        Assert.Equal(Path.Combine(newest, "usr/bin/qemu-system-x86_64"), resolved.Binary.Program);
        Assert.Equal([Path.Combine(newest, "usr/share/qemu"), "/usr/share/seabios"], resolved.Binary.FirmwareDirectories);
        Assert.Equal(Path.Combine(newest, "usr/lib/x86_64-linux-gnu/qemu"), resolved.Binary.ModuleDirectory);
        Assert.StartsWith("7.2.", resolved.Binary.Version);
        Assert.Equal(FileDigest.Sha256(QemuBinary.DistroProgram), resolved.Sha256);
        Assert.EndsWith("from the cache", resolved.Describe());
    }

    [Fact]
    public void A_pinned_version_in_the_cache_is_used_without_the_mirror_even_with_Refresh()
    {
        var pinned = CachedBuild("1:7.2+dfsg-7+deb12u18~bpo11+1");
        CachedBuild("1:7.2+dfsg-7+deb12u18");

        var resolved = Offline(refresh: true).Resolve(QemuBuildDeclaration.Create("debian-backports", version: "7.2+dfsg-7+deb12u18~bpo11+1"));

        Assert.Equal("1:7.2+dfsg-7+deb12u18~bpo11+1", resolved.DebianVersion);
        Assert.StartsWith(pinned, resolved.Binary.Program);
    }

    [Fact]
    public void Refresh_asks_the_mirror_even_with_a_build_in_the_cache()
    {
        CachedBuild("1:7.2+dfsg-7+deb12u18");
        var resolver = new QemuBuildResolver(Cache, new DebianMirror(Unreachable, "bookworm"), refresh: true);

        Fails(() => resolver.Resolve(QemuBuildDeclaration.Create("debian-backports")), LabCodes.QemuFetch);
        Assert.Single(Directory.GetDirectories(QemuCache)); // the cached build stays; no partial is left
    }

    [Fact]
    public void A_cached_binary_that_differs_from_its_manifest_is_LAB0022_naming_its_folder()
    {
        var folder = CachedBuild("1:7.2+dfsg-7+deb12u18", sha256: new string('0', 64));

        var e = Fails(() => Offline().Resolve(QemuBuildDeclaration.Create("debian-backports")), LabCodes.QemuFetch);

        Assert.Contains("not the binary that was fetched", e.Message);
        Assert.Contains($"delete {folder}", e.Fix);
    }

    [Fact]
    public void Publishing_where_another_build_already_put_the_same_version_keeps_theirs_and_deletes_ours()
    {
        var cache = new QemuBuildCache(Cache);
        var theirs = CachedBuild("1:7.2+dfsg-7+deb12u18");
        var ours = cache.CreatePartial();
        Assert.StartsWith(Path.Combine(QemuCache, $".partial-{Environment.ProcessId}-"), ours);
        FillBuild(ours, "1:7.2+dfsg-7+deb12u18", FileDigest.Sha256(QemuBinary.DistroProgram));

        var published = cache.Publish(ours);

        Assert.Equal(theirs, published.Folder);
        Assert.False(Directory.Exists(ours));
    }

    [Fact]
    public void Publishing_renames_the_partial_folder_into_the_folder_of_its_version()
    {
        var cache = new QemuBuildCache(Cache);
        var partial = cache.CreatePartial();
        FillBuild(partial, "1:10.0.2+ds-2+deb13u1~bpo12+1", FileDigest.Sha256(QemuBinary.DistroProgram));

        var published = cache.Publish(partial);

        Assert.Equal(Path.Combine(QemuCache, "10.0.2+ds-2+deb13u1_bpo12+1"), published.Folder);
        Assert.False(Directory.Exists(partial));
        Assert.Equal("1:10.0.2+ds-2+deb13u1~bpo12+1", cache.Find("10.0.2+ds-2+deb13u1~bpo12+1")?.Manifest.DebianVersion);
    }

    /// <summary>A cache folder shaped like a fetched build, whose binary is a link to the installed QEMU.</summary>
    private string CachedBuild(string debianVersion, string? sha256 = null)
    {
        var folder = Path.Combine(QemuCache, DebianVersion.FolderName(debianVersion));
        FillBuild(folder, debianVersion, sha256 ?? FileDigest.Sha256(QemuBinary.DistroProgram));
        return folder;
    }

    private static void FillBuild(string folder, string debianVersion, string sha256)
    {
        Directory.CreateDirectory(Path.Combine(folder, "usr", "bin"));
        Directory.CreateDirectory(Path.Combine(folder, "usr", "lib", "x86_64-linux-gnu", "qemu"));
        File.CreateSymbolicLink(Path.Combine(folder, "usr", "bin", "qemu-system-x86_64"), QemuBinary.DistroProgram);
        // A copy, never a link to /usr/share/qemu: deleting the test's folder must not reach the system's files.
        Directory.CreateDirectory(Path.Combine(folder, "usr", "share", "qemu"));
        File.WriteAllText(Path.Combine(folder, "usr", "share", "qemu", "linuxboot_dma.bin"), "");
        new QemuBuildManifest(debianVersion, QemuVersion.Installed(), sha256, [$"qemu-system-x86={debianVersion}"],
            "http://deb.debian.org/debian", "bookworm-backports", DateTimeOffset.UtcNow).Save(folder);
    }
}
