using VirtLab.Sysbench;
using VirtLab.Util;

namespace VirtLab.Tests;

public class SysbenchCommandTests
{
    [Fact]
    public void Cpu_1_0_syntax()
    {
        var c = SysbenchCommand.Cpu(SysbenchSyntax.V1_0, 20000, 10000, 1);

        Assert.Equal("sysbench", c.Program);
        Assert.Equal(["cpu", "--cpu-max-prime=20000", "--events=10000", "--time=0", "--threads=1", "run"], c.Arguments);
    }

    [Fact]
    public void Cpu_0_4_syntax()
    {
        var c = SysbenchCommand.Cpu(SysbenchSyntax.V0_4, 20000, 10000, 4);

        Assert.Equal(["--test=cpu", "--cpu-max-prime=20000", "--max-requests=10000", "--num-threads=4", "run"], c.Arguments);
    }

    [Fact]
    public void Memory_1_0_syntax()
    {
        var c = SysbenchCommand.Memory(SysbenchSyntax.V1_0, "8K", "1G", 2);

        Assert.Equal(["memory", "--memory-block-size=8K", "--memory-total-size=1G", "--threads=2", "run"], c.Arguments);
    }

    [Fact]
    public void Memory_0_4_syntax()
    {
        var c = SysbenchCommand.Memory(SysbenchSyntax.V0_4, "8K", "1G", 1);

        Assert.Equal(["--test=memory", "--memory-block-size=8K", "--memory-total-size=1G", "--num-threads=1", "run"], c.Arguments);
    }

    [Theory]
    [InlineData(0, 10000, 1)]
    [InlineData(-5, 10000, 1)]
    [InlineData(20000, 0, 1)]
    [InlineData(20000, -1, 1)]
    [InlineData(20000, 10000, 0)]
    [InlineData(20000, 10000, SysbenchCommand.MaxThreads + 1)]
    public void Bad_cpu_numbers_are_LAB0002(int maxPrime, int events, int threads)
    {
        var e = Assert.Throws<LabException>(() => SysbenchCommand.Cpu(SysbenchSyntax.V1_0, maxPrime, events, threads));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
    }

    [Theory]
    [InlineData("8K")]
    [InlineData("1G")]
    [InlineData("16M")]
    [InlineData("4096")]
    public void Good_sizes_are_accepted(string size)
    {
        var c = SysbenchCommand.Memory(SysbenchSyntax.V1_0, size, size, 1);
        Assert.Contains($"--memory-block-size={size}", c.Arguments);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0K")]
    [InlineData("8k")]
    [InlineData("8KB")]
    [InlineData("1.5G")]
    [InlineData("-1")]
    [InlineData(" 8K")]
    [InlineData("8K\n")]
    [InlineData("8K --threads=64")]
    [InlineData("8K; rm -rf /")]
    [InlineData("$(reboot)")]
    [InlineData("８K")]
    public void Bad_sizes_are_LAB0002(string size)
    {
        var block = Assert.Throws<LabException>(() => SysbenchCommand.Memory(SysbenchSyntax.V1_0, size, "1G", 1));
        var total = Assert.Throws<LabException>(() => SysbenchCommand.Memory(SysbenchSyntax.V0_4, "8K", size, 1));
        Assert.Equal(LabCodes.ConfigBadValue, block.Code);
        Assert.Equal(LabCodes.ConfigBadValue, total.Code);
    }

    [Fact]
    public void Null_size_is_LAB0002()
    {
        var e = Assert.Throws<LabException>(() => SysbenchCommand.Memory(SysbenchSyntax.V1_0, null!, "1G", 1));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
    }

    [Theory]
    [InlineData("1.0.20", SysbenchSyntax.V1_0)]
    [InlineData("1.1.0", SysbenchSyntax.V1_0)]
    [InlineData("0.4.12", SysbenchSyntax.V0_4)]
    [InlineData("0.5", SysbenchSyntax.V0_4)]
    public void Syntax_follows_the_major_version(string version, SysbenchSyntax expected) =>
        Assert.Equal(expected, SysbenchCommand.SyntaxFor(version));

    [Fact]
    public void An_unknown_version_is_LAB0002()
    {
        var e = Assert.Throws<LabException>(() => SysbenchCommand.SyntaxFor("latest"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
    }

    [Fact]
    public void Plain_commands_render_without_quotes()
    {
        var c = SysbenchCommand.Cpu(SysbenchSyntax.V1_0, 20000, 10000, 1);
        Assert.Equal("sysbench cpu --cpu-max-prime=20000 --events=10000 --time=0 --threads=1 run", c.ToShellString());
    }

    [Fact]
    public void A_program_path_with_spaces_is_quoted()
    {
        var c = SysbenchCommand.Memory(SysbenchSyntax.V0_4, "8K", "1G", 1, "/opt/my tools/sysbench");
        Assert.Equal("'/opt/my tools/sysbench' --test=memory --memory-block-size=8K --memory-total-size=1G --num-threads=1 run",
            c.ToShellString());
    }

    [Theory]
    [InlineData("", "''")]
    [InlineData("it's", @"'it'\''s'")]
    [InlineData("A=b", "'A=b'")]
    [InlineData("--x=$(id)", "'--x=$(id)'")]
    public void Quoting_examples(string word, string expected) => Assert.Equal(expected, SysbenchCommand.ShellQuote(word));

    [Fact]
    public void Hostile_words_reach_the_program_verbatim_and_run_nothing()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"virtlab-quote-{Guid.NewGuid():N}");
        string[] words =
        [
            $"'; touch {marker}; '", $"\"; touch {marker}; \"", $"$(touch {marker})", $"`touch {marker}`",
            $"x'\"'\"'; touch {marker} #", $"a\ntouch {marker}", "\\'", "'", "''", "", "*", "~", "$HOME", "A=b",
            "-n", "--threads=$(nproc)", "tab\there", "ünïcødé ✓", $"{{a,b}}; touch {marker}", "!!",
        ];

        var script = "printf '%s\\0' " + SysbenchCommand.ShellJoin(words);
        var r = ProcessRunner.Run("/bin/sh", ["-c", script], TimeSpan.FromSeconds(10));

        Assert.True(r.Succeeded, r.StandardError);
        Assert.Equal(words, r.StandardOutput.Split('\0')[..^1]);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_NUL_character_cannot_be_quoted()
    {
        Assert.Throws<ArgumentException>(() => SysbenchCommand.ShellQuote("a\0b"));
    }

    [Fact]
    public void Built_commands_run_the_installed_sysbench_and_parse()
    {
        var cpu = SysbenchCommand.Cpu(SysbenchSyntax.V1_0, 500, 200, 1);
        var mem = SysbenchCommand.Memory(SysbenchSyntax.V1_0, "8K", "8M", 1);

        var cpuResult = SysbenchOutputParser.Parse(
            ProcessRunner.RunChecked(LabCodes.Benchmark, cpu.Program, cpu.Arguments, TimeSpan.FromSeconds(60)).StandardOutput);
        var memResult = SysbenchOutputParser.Parse(
            ProcessRunner.RunChecked(LabCodes.Benchmark, mem.Program, mem.Arguments, TimeSpan.FromSeconds(60)).StandardOutput);

        Assert.Equal("cpu", cpuResult.Test);
        Assert.Equal(200, cpuResult.TotalEvents);
        Assert.Equal(500, cpuResult.CpuMaxPrime);
        Assert.Equal("memory", memResult.Test);
        Assert.Equal(1024, memResult.TotalOperations);
        Assert.Equal(8L << 20, memResult.TotalSizeBytes);
    }
}
