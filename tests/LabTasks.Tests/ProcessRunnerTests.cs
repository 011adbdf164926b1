using VirtLab.Util;

namespace VirtLab.Tests;

public class ProcessRunnerTests
{
    [Fact]
    public void Passes_arguments_without_a_shell()
    {
        var r = ProcessRunner.Run("/bin/echo", ["a b", "$(id)", ";ls"], TimeSpan.FromSeconds(10));
        Assert.Equal("a b $(id) ;ls\n", r.StandardOutput);
    }

    [Fact]
    public void Kills_a_process_that_outlives_its_bound()
    {
        Assert.Throws<TimeoutException>(() => ProcessRunner.Run("/bin/sleep", ["30"], TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void A_missing_program_is_a_LAB0010_naming_the_package()
    {
        var e = Assert.Throws<LabException>(() => ProcessRunner.Run("sysbench-not-installed", [], TimeSpan.FromSeconds(5)));
        Assert.Equal(LabCodes.MissingTool, e.Code);
        Assert.Contains("apt-get install", e.FullMessage);
    }
}
