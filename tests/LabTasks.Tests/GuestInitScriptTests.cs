using System.Text;
using System.Text.RegularExpressions;
using VirtLab.Guest;
using VirtLab.Util;

namespace VirtLab.Tests;

public class GuestInitScriptTests
{
    private static string Script => Encoding.UTF8.GetString(GuestRootfs.InitScript());

    [Fact]
    public void Busybox_sh_parses_the_embedded_init()
    {
        using var temp = new GuestTempDirectory();
        var path = Path.Combine(temp.Path, "init");
        File.WriteAllText(path, Script);
        var result = ProcessRunner.Run("busybox", ["sh", "-n", path], TimeSpan.FromSeconds(10));
        Assert.True(result.Succeeded, result.StandardError);
    }

    [Fact]
    public void Init_uses_no_bashisms()
    {
        var code = string.Join('\n', Script.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        Assert.StartsWith("#!/bin/sh\n", Script);
        foreach (var bashism in new[] { @"\[\[", @"\bfunction\b", @"\blocal\b", @"<<<", @"\$'", @"\bsource\b", @"\$\{\w+/", @"==", @"&>", @"\bdeclare\b", @"\$RANDOM", @"(?<!\$)\(\(" })
            Assert.DoesNotMatch(new Regex(bashism), code);
    }

    [Fact]
    public void Init_speaks_the_console_protocol()
    {
        Assert.Contains("VIRTLAB-READY ", Script);
        Assert.Contains("VIRTLAB-NIC ", Script);
        Assert.Contains("echo \"VIRTLAB-ERROR $*\"", Script);
        Assert.Contains("fail \"no NIC\"", Script);
        Assert.Contains(GuestRootfs.ModuleListPath, Script);
        Assert.Contains(GuestRootfs.HostKeyPath, Script);
    }
}
