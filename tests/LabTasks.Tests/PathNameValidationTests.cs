using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// Names that become parts of paths (Profile, Experiment, item names) are refused by the targets
/// before any path is built or removed. Real `dotnet build` runs in a copy of the tree; they fail
/// within seconds, before the task library or a guest is built.
/// </summary>
public sealed class PathNameValidationTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private readonly RepoCopy _copy = new(prebuiltTasks: false);
    // Outside the copy, beside it in the temp folder: what an escaping path would reach.
    private readonly string _sentinel = Path.Combine(Path.GetTempPath(), "virtlab-sentinel-" + Guid.NewGuid().ToString("N")[..8]);

    public PathNameValidationTests()
    {
        Directory.CreateDirectory(_sentinel);
        File.WriteAllText(Path.Combine(_sentinel, "keep"), "must survive");
    }

    public void Dispose()
    {
        _copy.Dispose();
        try { Directory.Delete(_sentinel, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private string SentinelName => Path.GetFileName(_sentinel);

    private void AssertSentinelUntouched()
    {
        Assert.True(File.Exists(Path.Combine(_sentinel, "keep")), $"{_sentinel} was removed");
    }

    private void AssertNothingBuilt() =>
        Assert.False(Directory.Exists(Path.Combine(_copy.Root, "obj")), "the build went on after the bad name");

    private static void AssertRefused(ProcessResult build, string code, string value)
    {
        Assert.False(build.Succeeded, build.StandardOutput);
        var errors = build.StandardOutput.Split('\n').Where(l => l.Contains("error ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, l => Assert.Contains($"error {code}:", l));
        Assert.Contains(errors, l => l.Contains(value, StringComparison.Ordinal) && l.Contains("Fix: ", StringComparison.Ordinal)
                                     && l.Contains($"docs/lab-codes.md#{code.ToLowerInvariant()}", StringComparison.Ordinal));
    }

    // results/virtio-vs-e1000-quick/ exists after a quick build; from there "../../../" climbs out of the tree.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Clean_with_a_profile_that_climbs_out_of_the_tree_fails_with_LAB0006_and_removes_nothing(bool restore)
    {
        var quickResults = Directory.CreateDirectory(Path.Combine(_copy.Root, "results", "virtio-vs-e1000-quick")).FullName;
        var profile = $"quick/../../../{SentinelName}";

        string[] arguments = ["experiments/virtio-vs-e1000.proj", "-t:Clean", $"-p:Profile={profile}", .. restore ? Array.Empty<string>() : ["--no-restore"]];
        var clean = _copy.Build(Bound, arguments);

        AssertRefused(clean, LabCodes.NameNotAPathPart, $"Profile '{profile}'");
        AssertSentinelUntouched();
        Assert.True(Directory.Exists(quickResults));
        AssertNothingBuilt();
    }

    [Fact]
    public void Clean_with_an_experiment_that_climbs_out_of_the_tree_fails_with_LAB0006_and_removes_nothing()
    {
        var experiment = $"../../{SentinelName}";

        var clean = _copy.Build(Bound, "experiments/kvm-vs-tcg.proj", "--no-restore", "-t:Clean", $"-p:Experiment={experiment}");

        AssertRefused(clean, LabCodes.NameNotAPathPart, $"Experiment '{experiment}'");
        AssertSentinelUntouched();
    }

    [Theory]
    [InlineData("")]
    [InlineData("Quick")]
    [InlineData("-quick")]
    [InlineData("quick profile")]
    [InlineData("/tmp/quick")]
    [InlineData("quick.old")]
    public void A_profile_that_is_not_a_plain_name_is_LAB0006_before_restore(string profile)
    {
        var build = _copy.Build(Bound, "experiments/kvm-vs-tcg.proj", $"-p:Profile={profile}");

        AssertRefused(build, LabCodes.NameNotAPathPart, $"Profile '{profile}'");
        AssertNothingBuilt();
    }

    // {0} is the sentinel's name; a quote must not break the check itself (MSB4100 instead of LAB0006).
    [Theory]
    [InlineData("../../../{0}/scenario")]
    [InlineData("it's")]
    [InlineData("Homework-2")]
    public void A_migration_scenario_named_like_a_path_is_LAB0006_before_anything_is_built_or_measured(string name)
    {
        var project = Path.Combine(_copy.Root, "experiments", "live-migration.proj");
        var escaping = string.Format(System.Globalization.CultureInfo.InvariantCulture, name, SentinelName);
        File.WriteAllText(project, File.ReadAllText(project).Replace("<MigrationScenario Include=\"homework\"",
            $"<MigrationScenario Include=\"{escaping}\" Workloads=\"idle\" Quick=\"true\" />\n    <MigrationScenario Include=\"homework\"", StringComparison.Ordinal));

        var build = _copy.Build(Bound, "experiments/live-migration.proj", "-p:Profile=quick");

        AssertRefused(build, LabCodes.NameNotAPathPart, $"MigrationScenario \"{escaping}\"");
        AssertNothingBuilt();
        Assert.Equal(["keep"], Directory.GetFileSystemEntries(_sentinel).Select(Path.GetFileName));
    }

    [Fact]
    public void A_misspelt_iperf_direction_is_LAB0002_before_anything_is_measured_not_host_to_guest_under_another_label()
    {
        var project = Path.Combine(_copy.Root, "experiments", "virtio-vs-e1000.proj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("<IperfDirection Include=\"host-to-guest\" />",
            "<IperfDirection Include=\"host-to-gest\" />", StringComparison.Ordinal));

        var build = _copy.Build(Bound, "experiments/virtio-vs-e1000.proj", "-p:Profile=quick");

        AssertRefused(build, LabCodes.ConfigBadValue, "iperf direction \"host-to-gest\"");
        AssertNothingBuilt();
    }

    [Fact]
    public void NicModels_naming_a_model_the_experiment_does_not_measure_is_LAB0002_before_restore()
    {
        var build = _copy.Build(Bound, "experiments/virtio-vs-e1000.proj", "-p:Profile=quick", "-p:NicModels=virtio");

        AssertRefused(build, LabCodes.ConfigBadValue, "-p:NicModels names 'virtio'");
        Assert.Contains("choose from virtio-net-pci, e1000, rtl8139", build.StandardOutput);
        AssertNothingBuilt();
    }

    [Fact]
    public void Clean_with_valid_names_still_removes_the_experiments_results()
    {
        var quickResults = Directory.CreateDirectory(Path.Combine(_copy.Root, "results", "virtio-vs-e1000-quick")).FullName;

        var clean = _copy.Build(Bound, "experiments/virtio-vs-e1000.proj", "--no-restore", "-t:Clean", "-p:Profile=quick");

        Assert.True(clean.Succeeded, clean.StandardOutput);
        Assert.False(Directory.Exists(quickResults));
        AssertSentinelUntouched();
    }
}
