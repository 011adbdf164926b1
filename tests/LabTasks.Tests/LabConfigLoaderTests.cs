using VirtLab.Config;
using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Tests;

public class LabConfigLoaderTests
{
    private static string ShippedLabFile => Path.Combine(RepoCopy.FindRepoRoot(), "experiments", "lab.yaml");

    [Fact]
    public void The_shipped_lab_file_loads_with_the_homework_defaults()
    {
        var lab = LabProfile.Select(LabConfigLoader.Load(ShippedLabFile), "default", ShippedLabFile);
        Assert.Equal("10.1.1.254", lab.HostAddress.ToString());
        Assert.Equal(24, lab.PrefixLength);
        Assert.Equal("10.1.1.1", lab.GuestAddress(1).ToString());
        Assert.Equal(20000, lab.Profile.Sysbench.CpuMaxPrime);
        Assert.Equal(10000, lab.Profile.Sysbench.CpuEvents);
        Assert.Equal("8K", lab.Profile.Sysbench.MemoryBlockSize);
        Assert.Equal("1G", lab.Profile.Sysbench.MemoryTotalSize);
        Assert.Equal(3, lab.Profile.Repeats.Min);
        Assert.False(lab.Profile.Repeats.IsAdaptive);
    }

    [Fact]
    public void An_unknown_key_is_LAB0001_with_file_line_and_fix()
    {
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse("guest:\n  memoryMiB: 512\n  memroy: 1\n", "lab.yaml"));
        Assert.Equal(LabCodes.ConfigUnknownKey, e.Code);
        Assert.Equal("lab.yaml", e.File);
        Assert.Equal(3, e.Line);
        Assert.Contains("memroy", e.Message);
        Assert.NotNull(e.Fix);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_LAB0002_at_its_line()
    {
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse("guest:\n  vcpus: two\n", "lab.yaml"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.Equal(2, e.Line);
    }

    [Theory]
    [InlineData("network:\n  hostAddress: 10.1.1.254\n", "network.hostAddress", 2)]
    [InlineData("network:\n  hostAddress: 10.1.1.300/24\n", "network.hostAddress", 2)]
    [InlineData("guest:\n  memoryMiB: 16\n", "guest.memoryMiB", 2)]
    [InlineData("guest:\n  kernel:\n    source: floppy\n", "guest.kernel.source", 3)]
    [InlineData("profiles:\n  default:\n    sysbench:\n      memoryTotalSize: 1T\n", "profiles.default.sysbench.memoryTotalSize", 4)]
    [InlineData("profiles:\n  default:\n    repeats: 0\n", "profiles.default.repeats", 3)]
    [InlineData("profiles:\n  default:\n    repeats: {min: 5, max: 3, targetRsdPercent: 2}\n", "profiles.default.repeats", 3)]
    [InlineData("profiles:\n  default:\n    repeats:\n      min: 3\n      targetRsdPercent: 500\n", "profiles.default.repeats", 3)]
    [InlineData("profiles:\n  default:\n    sysbench:\n      memoryBlockSize: \"8K; rm -rf /\"\n", "profiles.default.sysbench.memoryBlockSize", 4)]
    public void An_out_of_range_value_names_its_key_and_line(string yaml, string key, int line)
    {
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse(yaml, "lab.yaml"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith(key + ":", e.Message);
        Assert.Equal(line, e.Line);
        Assert.False(string.IsNullOrEmpty(e.Fix));
    }

    [Fact]
    public void Repeats_are_a_plain_count_or_adaptive()
    {
        var plain = LabConfigLoader.Parse("profiles:\n  default:\n    repeats: 4\n", "lab.yaml").Profiles["default"].Repeats;
        var adaptive = LabConfigLoader.Parse("profiles:\n  default:\n    repeats: {min: 3, max: 12, targetRsdPercent: 2.5}\n", "lab.yaml").Profiles["default"].Repeats;

        Assert.Equal((4, false), (plain.Min, plain.IsAdaptive));
        Assert.Equal((3, 12, 2.5, true), (adaptive.Min, adaptive.Max, adaptive.TargetRsdPercent, adaptive.IsAdaptive));
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse("profiles:\n  default:\n    repeats: many\n", "lab.yaml"));
        Assert.Equal((LabCodes.ConfigBadValue, 3), (e.Code, e.Line));
    }

    [Fact]
    public void Broken_yaml_is_LAB0003()
    {
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse("guest:\n  memoryMiB: [512\n", "lab.yaml"));
        Assert.Equal(LabCodes.ConfigUnreadable, e.Code);
    }

    [Fact]
    public void An_unknown_profile_lists_the_defined_ones()
    {
        var config = LabConfigLoader.Load(ShippedLabFile);
        var e = Assert.Throws<LabException>(() => LabProfile.Select(config, "fast", ShippedLabFile));
        Assert.Contains("default, quick", e.Message);
    }

    [Fact]
    public void Generated_props_escape_msbuild_and_xml_characters()
    {
        var config = LabConfigLoader.Parse("guest:\n  kernel:\n    source: path\n    path: /k/$(x);@(y)<&>.bz\n", "lab.yaml");
        config.Profiles["default"] = new ProfileConfig();
        var props = LoadLab.Render(LabProfile.Select(config, "default", "lab.yaml"), "/x/lab.yaml", new string('0', 64));
        Assert.Contains("<VirtLabGuestKernelPath>/k/%24(x)%3B%40(y)&lt;&amp;&gt;.bz</VirtLabGuestKernelPath>", props);
        System.Xml.Linq.XDocument.Parse(props);
    }
}

public class RecordTests
{
    [Fact]
    public void A_record_serializes_to_exactly_metric_value_unit_labels_time_and_back()
    {
        var labels = new SortedDictionary<string, string> { ["accel"] = "tcg", ["status"] = Records.Record.StatusUnavailable };
        var record = new Records.Record("events_per_second", null, "events/s", labels, DateTimeOffset.Parse("2026-11-25T10:00:00Z"));
        using var json = System.Text.Json.JsonDocument.Parse(record.ToJson());
        Assert.Equal(["metric", "value", "unit", "labels", "time"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var back = Records.Record.FromJson(record.ToJson());
        Assert.True(back.IsUnavailable);
        Assert.Null(back.Value);
        Assert.Equal("tcg", back.Label("accel"));
    }
}
