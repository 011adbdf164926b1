using System.Text;
using System.Text.RegularExpressions;
using VirtLab.Config;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// lab.yaml as users break it: each file under fixtures/lab-yaml-broken says on its first line the
/// code and the line it must be refused with ("# expect LAB0002 line 5: what it shows"); loading
/// it and selecting the default profile, as a build does, must give exactly that — a LabException,
/// never another exception.
/// </summary>
public partial class BrokenLabYamlTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "fixtures", "lab-yaml-broken");
    private static string ShippedLabFile => Path.Combine(RepoCopy.FindRepoRoot(), "experiments", "lab.yaml");

    public static TheoryData<string> Files() => [.. Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void There_are_at_least_25_broken_files()
    {
        Assert.True(Directory.GetFiles(Folder, "*.yaml").Length >= 25);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_broken_lab_file_is_refused_with_its_code_file_and_line(string name)
    {
        var path = Path.Combine(Folder, name);
        var expect = Expectation().Match(File.ReadAllLines(path, Encoding.Latin1)[0]);
        Assert.True(expect.Success, $"{name} has no '# expect LAB00NN line N: …' first line");

        var e = Assert.Throws<LabException>(() => LabProfile.Select(LabConfigLoader.Load(path), "default", path));

        var where = $"{name}: {e.Code} line {e.Line}: {e.FullMessage}";
        Assert.True(expect.Groups["code"].Value == e.Code, where);
        Assert.True(int.Parse(expect.Groups["line"].Value) == e.Line, where);
        Assert.Equal(path, e.File);
        Assert.False(string.IsNullOrWhiteSpace(e.Fix), where);
        Assert.DoesNotContain('\n', e.FullMessage);
    }

    [Theory]
    [InlineData("profiles:\n  default:\n    iperf:\n      window:\n", "profiles.default.iperf.window: the value is empty")]
    [InlineData("network:\n", "network: the value is empty")]
    [InlineData("profiles:\n  quick:\n", "profiles.quick: the value is empty")]
    public void An_empty_value_names_its_full_key(string yaml, string message)
    {
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse(yaml, "lab.yaml"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void A_quoted_empty_window_is_a_value_and_loads()
    {
        var config = LabConfigLoader.Parse("profiles:\n  default:\n    iperf:\n      window: \"\"\n", "lab.yaml");
        Assert.Equal("", config.Profiles["default"].Iperf.Window);
    }

    [Fact]
    public void The_shipped_lab_file_with_a_byte_order_mark_and_windows_line_ends_loads_as_it_is()
    {
        using var temp = new GuestTempDirectory();
        var original = File.ReadAllBytes(ShippedLabFile);
        var windows = Path.Combine(temp.Path, "lab.yaml");
        File.WriteAllBytes(windows, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original).Replace("\n", "\r\n"))]);

        var expected = LabProfile.Select(LabConfigLoader.Load(ShippedLabFile), "quick", ShippedLabFile);
        var actual = LabProfile.Select(LabConfigLoader.Load(windows), "quick", windows);

        Assert.Equal(Tasks.LoadLab.Parameters(expected), Tasks.LoadLab.Parameters(actual));
    }

    [Fact]
    public void A_file_of_comments_only_takes_every_default()
    {
        var config = LabConfigLoader.Parse("# nothing set yet\n", "lab.yaml");
        Assert.Equal(512, config.Guest.MemoryMiB);
        Assert.Equal(["default"], config.Profiles.Keys);
    }

    [GeneratedRegex(@"^# expect (?<code>LAB\d{4}) line (?<line>\d+): ")]
    private static partial Regex Expectation();
}
