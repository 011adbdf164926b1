using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using VirtLab.Qemu;
using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>The ResolveQemuBuilds task: its item contract (what QemuBinary.From reads back), its log line and its errors.</summary>
public sealed class QemuBuildTaskTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtlab-qemubuild-task-").FullName;
    private readonly TestBuildEngine _engine = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ITaskItem Build(string name, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(name);
        foreach (var (key, value) in metadata) item.SetMetadata(key, value);
        return item;
    }

    private ResolveQemuBuilds Task(params ITaskItem[] builds) =>
        new() { BuildEngine = _engine, Builds = builds, CacheDirectory = _dir };

    [Fact]
    public void Distro_and_path_builds_become_items_QemuBinary_reads_back()
    {
        var task = Task(Build("distro"),
            Build("system-copy", ("Kind", "path"), ("Program", QemuBinary.DistroProgram), ("Firmware", "/usr/share/qemu;/usr/share/seabios")));

        Assert.True(task.Execute(), _engine.ErrorText);

        Assert.Equal(["distro", "system-copy"], task.Resolved.Select(i => i.ItemSpec));
        var sha16 = FileDigest.Sha256(QemuBinary.DistroProgram)[..16];
        var distro = task.Resolved[0];
        Assert.Equal("distro", distro.GetMetadata("Kind"));
        Assert.Equal(QemuBinary.DistroProgram, distro.GetMetadata("Program"));
        Assert.Equal("", distro.GetMetadata("Firmware"));
        Assert.Equal("", distro.GetMetadata("Modules"));
        Assert.Equal("", distro.GetMetadata("DebianVersion"));
        Assert.Equal(QemuVersion.Installed(), distro.GetMetadata("Version"));
        Assert.Equal(sha16, distro.GetMetadata("Sha256"));
        var read = QemuBinary.From(distro);
        Assert.Equal((QemuBinary.DistroProgram, (string?)null, QemuVersion.Installed()), (read.Program, read.ModuleDirectory, read.Version));
        Assert.Empty(read.FirmwareDirectories);

        var copy = QemuBinary.From(task.Resolved[1]);
        Assert.Equal("path", task.Resolved[1].GetMetadata("Kind"));
        Assert.Equal("/usr/share/qemu;/usr/share/seabios", task.Resolved[1].GetMetadata("Firmware"));
        Assert.Equal(["/usr/share/qemu", "/usr/share/seabios"], copy.FirmwareDirectories);
        Assert.Equal(QemuBinary.DistroProgram, copy.Program);
        Assert.Equal(sha16, task.Resolved[1].GetMetadata("Sha256"));

        Assert.Contains(_engine.Messages, m => m.StartsWith($"VirtLab: QEMU build 'distro': {QemuVersion.Installed()} at {QemuBinary.DistroProgram}", StringComparison.Ordinal));
        Assert.Contains(_engine.Messages, m => m.StartsWith("VirtLab: QEMU build 'system-copy': ", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir)); // distro and path builds put nothing in the cache
    }

    [Fact]
    public void A_build_declared_twice_is_LAB0013_and_nothing_is_resolved()
    {
        var task = Task(Build("distro"), Build("distro", ("Kind", "distro")));

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(LabCodes.QemuBuild, error.Code);
        Assert.Contains("'distro' declared more than once", error.Message);
        Assert.Empty(task.Resolved);
    }

    [Fact]
    public void A_build_name_that_cannot_be_a_path_part_is_LAB0006_before_anything_runs()
    {
        var task = Task(Build("../../etc", ("Kind", "distro")));

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(LabCodes.NameNotAPathPart, error.Code);
        Assert.Contains("'../../etc'", error.Message);
        Assert.Contains("docs/lab-codes.md#lab0006", error.Message);
    }

    [Fact]
    public void A_path_build_that_is_not_QEMU_is_one_LAB0013_error_line_naming_the_build()
    {
        var script = Path.Combine(_dir, "fake-qemu");
        File.WriteAllText(script, "#!/bin/sh\nexit 3\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var task = Task(Build("fake", ("Kind", "path"), ("Program", script)));

        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(LabCodes.QemuBuild, error.Code);
        Assert.Contains("QEMU build 'fake'", error.Message);
        Assert.Contains("exit 3", error.Message);
        Assert.Contains("Fix: ", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
