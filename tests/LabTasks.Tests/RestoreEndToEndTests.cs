using System.Security.Cryptography;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// The restore in a repository copy, as a fresh clone runs it (restore and the load check only: no
/// guest is booted). The generated obj/virtlab/lab.&lt;profile&gt;.g.props say which lab file (full
/// path and SHA-256) they come from, and the restore regenerates them when either differs, whatever
/// the files' time stamps say; a task failing unexpectedly is one LAB0099 line in MSBuild's output.
/// </summary>
public partial class RestoreEndToEndTests(RestoreEndToEndTests.Copy copy) : IClassFixture<RestoreEndToEndTests.Copy>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    /// <summary>One repository copy for the class: its first build compiles the task library, which the others reuse.</summary>
    public sealed class Copy : IDisposable
    {
        public RepoCopy Repo { get; } = new(prebuiltTasks: false);
        public void Dispose() => Repo.Dispose();
    }

    private static string Property(string props, string name) =>
        Regex.Match(props, $"<{name}>([^<]*)</{name}>") is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"{name} missing in:\n{props}");

    private static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    [Fact]
    public void Switching_lab_files_or_their_content_regenerates_the_lab_properties()
    {
        var experiments = Path.Combine(copy.Repo.Root, "experiments");
        var labYaml = Path.Combine(experiments, "lab.yaml");
        var otherYaml = Path.Combine(experiments, "other.yaml");
        var props = Path.Combine(copy.Repo.Root, "obj", "virtlab", "lab.default.g.props");
        var shipped = File.ReadAllText(labYaml);
        Assert.Contains("  memoryMiB: 512\n", shipped);
        File.WriteAllText(otherYaml, shipped.Replace("  memoryMiB: 512\n", "  memoryMiB: 768\n"));
        // _VirtLabCheckLoaded: `dotnet build` restores (LoadLab), then the build's evaluation checks what it imported.
        ProcessResult Check(params string[] extra) => copy.Repo.Build(BuildTimeout, ["experiments/hw1.proj", "-t:_VirtLabCheckLoaded", .. extra]);

        var first = Check();
        Assert.True(first.ExitCode == 0, first.StandardOutput);
        Assert.Equal(labYaml, Property(File.ReadAllText(props), "VirtLabLabFile"));
        Assert.Equal(Sha256(labYaml), Property(File.ReadAllText(props), "VirtLabLabFileSha256"));
        Assert.Equal("512", Property(File.ReadAllText(props), "VirtLabGuestMemoryMiB"));

        var other = Check("-p:LabFile=other.yaml");
        Assert.True(other.ExitCode == 0, other.StandardOutput);
        Assert.Equal(otherYaml, Property(File.ReadAllText(props), "VirtLabLabFile"));
        Assert.Equal("768", Property(File.ReadAllText(props), "VirtLabGuestMemoryMiB"));

        // Back to lab.yaml, which is older than the props other.yaml produced.
        var back = Check();
        Assert.True(back.ExitCode == 0, back.StandardOutput);
        Assert.Equal(labYaml, Property(File.ReadAllText(props), "VirtLabLabFile"));
        Assert.Equal("512", Property(File.ReadAllText(props), "VirtLabGuestMemoryMiB"));

        // New content with an old time stamp (cp -p, an unpacked archive): the hash notices.
        var propsTime = File.GetLastWriteTimeUtc(props);
        File.WriteAllText(labYaml, shipped.Replace("  memoryMiB: 512\n", "  memoryMiB: 640\n"));
        File.SetLastWriteTimeUtc(labYaml, propsTime.AddHours(-1));
        var edited = Check();
        Assert.True(edited.ExitCode == 0, edited.StandardOutput);
        Assert.Equal("640", Property(File.ReadAllText(props), "VirtLabGuestMemoryMiB"));
        Assert.Equal(Sha256(labYaml), Property(File.ReadAllText(props), "VirtLabLabFileSha256"));

        // A build that skips the restore cannot use props read from another file.
        var noRestore = Check("--no-restore", "-p:LabFile=other.yaml");
        Assert.NotEqual(0, noRestore.ExitCode);
        Assert.Contains("error LAB0004: The lab was last read from " + labYaml, noRestore.StandardOutput);
        Assert.Equal("640", Property(File.ReadAllText(props), "VirtLabGuestMemoryMiB"));
    }

    [Fact]
    public void A_task_failing_unexpectedly_in_a_real_build_prints_one_LAB0099_line_and_keeps_the_stack_in_a_file()
    {
        // /proc takes no new folder: LoadLab's write fails with an exception no VirtLab code anticipates.
        var result = copy.Repo.Build(BuildTimeout, "experiments/hw1.proj", "-t:_VirtLabCheckLoaded", "-p:VirtLabPropsFile=/proc/virtlab/lab.g.props");

        Assert.NotEqual(0, result.ExitCode);
        // A failed restore repeats its errors in a summary ("Build FAILED." then the list): one error, printed twice.
        var errors = result.StandardOutput.Split('\n').Where(l => l.Contains(": error ")).Distinct().ToList();
        Assert.True(errors.Count == 1, result.StandardOutput);
        Assert.Contains("    1 Error(s)", result.StandardOutput);
        var error = errors[0];
        Assert.Contains("error LAB0099: LoadLab failed unexpectedly: ", error);
        Assert.DoesNotContain("MSB4018", result.StandardOutput);
        Assert.DoesNotContain("   at VirtLab.", result.StandardOutput);
        var details = Assert.Single(Directory.GetFiles(Path.Combine(copy.Repo.Root, "obj", "virtlab", "errors"), "LoadLab-*.txt"));
        Assert.StartsWith(details + " : error LAB0099", error.Trim());
        Assert.Contains("at VirtLab.Tasks.LoadLab.Run()", File.ReadAllText(details));
    }
}
