using System.Text;
using VirtLab.Guest;
using VirtLab.Util;

namespace VirtLab.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class GuestCpioTests
{
    private static string WriteSample(string directory)
    {
        var archive = Path.Combine(directory, "sample.cpio");
        using (var writer = new CpioNewcWriter(File.Create(archive)))
        {
            writer.AddDirectory("bin");
            writer.AddFile("/bin/hello", Encoding.ASCII.GetBytes("#!/bin/sh\necho hi\n"), CpioNewcWriter.Mode755);
            writer.AddSymlink("bin/sh", "hello");
            writer.AddDirectory("root", CpioNewcWriter.Mode700);
            writer.AddFile("root/secret", Encoding.ASCII.GetBytes("abc"), CpioNewcWriter.Mode600); // 3 bytes: needs padding
            writer.AddFile("empty", []);
            writer.AddDirectory("dev");
            writer.AddCharDevice("dev/console", CpioNewcWriter.Mode600, 5, 1);
        }
        return archive;
    }

    [Fact]
    public void Host_cpio_lists_every_entry_with_its_type_mode_and_size()
    {
        using var temp = new GuestTempDirectory();
        var archive = WriteSample(temp.Path);

        var result = ProcessRunner.Run("cpio", ["-itv", "-F", archive], TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.Matches(@"^drwxr-xr-x .* root +root +0 .* bin$", lines[0]);
        Assert.Matches(@"^-rwxr-xr-x .* root +root +18 .* bin/hello$", lines[1]);
        Assert.Matches(@"^lrwxrwxrwx .* bin/sh -> hello$", lines[2]);
        Assert.Matches(@"^drwx------ .* root$", lines[3]);
        Assert.Matches(@"^-rw------- .* 3 .* root/secret$", lines[4]);
        Assert.Matches(@"^-rw-r--r-- .* 0 .* empty$", lines[5]);
        Assert.Matches(@"^crw------- .* 5, +1 .* dev/console$", lines[7]);
        Assert.DoesNotContain("warning", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Host_cpio_extracts_the_same_bytes()
    {
        using var temp = new GuestTempDirectory();
        var archive = WriteSample(temp.Path);
        var target = Directory.CreateDirectory(Path.Combine(temp.Path, "x")).FullName;

        var result = ProcessRunner.Run("cpio", ["-idm", "--no-absolute-filenames", "-F", archive, "bin/*", "root/*", "empty"],
            TimeSpan.FromSeconds(30), workingDirectory: target);

        Assert.True(result.Succeeded, result.StandardError);
        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(Path.Combine(target, "bin", "hello")));
        Assert.Equal("abc", File.ReadAllText(Path.Combine(target, "root", "secret")));
        Assert.Equal("hello", new FileInfo(Path.Combine(target, "bin", "sh")).LinkTarget);
        Assert.Equal(CpioNewcWriter.Mode600, File.GetUnixFileMode(Path.Combine(target, "root", "secret")));
        Assert.Equal(0, new FileInfo(Path.Combine(target, "empty")).Length);
    }

    [Fact]
    public void Names_with_dot_dot_are_refused()
    {
        using var writer = new CpioNewcWriter(new MemoryStream());
        Assert.Throws<ArgumentException>(() => writer.AddFile("../etc/passwd", []));
    }

    [Fact]
    public void Content_adds_parents_first_and_is_reproducible()
    {
        var content = new InitramfsContent();
        content.AddText("etc/virtlab/modules", "x\n");
        content.AddText("a", "1");
        content.AddHostFile("/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2");
        content.AddHostFile("/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2"); // shared library: no-op
        Assert.Equal(["a", "etc", "etc/virtlab", "etc/virtlab/modules", "lib64", "lib64/ld-linux-x86-64.so.2"], content.Paths);
        Assert.Throws<InvalidOperationException>(() => content.AddText("a", "2"));

        using var first = new MemoryStream();
        using var second = new MemoryStream();
        content.WriteCpio(first);
        content.WriteCpio(second);
        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(0, first.Length % 4);
    }
}
