using VirtLab.Util;

namespace VirtLab.Tests;

public class ToolRegistryTests
{
    private static string Registry => Path.Combine(RepoCopy.FindRepoRoot(), "src", "LabTasks", "build", "VirtLab.Tools.props");

    [Fact]
    public void The_embedded_registry_is_the_file_the_targets_and_install_deps_read()
    {
        Assert.Equal(ToolRegistry.Parse(File.ReadAllText(Registry)), ToolRegistry.All, new ToolComparer());
    }

    [Fact]
    public void Install_deps_installs_exactly_the_registry_packages()
    {
        // install-deps.sh reads the Package attributes with sed; run its own expression on the file.
        var script = File.ReadAllLines(Path.Combine(RepoCopy.FindRepoRoot(), "install-deps.sh")).Single(l => l.StartsWith("packages=$(sed"));
        var result = ProcessRunner.RunChecked(LabCodes.MissingTool, "sh", ["-c", script.Replace("\"$registry\"", "\"$1\"") + "; echo $packages", "sh", Registry],
            TimeSpan.FromSeconds(20));
        var packages = result.StandardOutput.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ToolRegistry.All.Select(t => t.Package).Distinct().Order(StringComparer.Ordinal), packages.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_tool_names_a_program_path_and_a_package_and_the_guest_gets_the_benchmarks()
    {
        Assert.All(ToolRegistry.All, t => Assert.True(t.Program.StartsWith('/') && t.Package.Length > 0, t.Name));
        Assert.Superset(new HashSet<string> { "sysbench", "iperf", "iperf3", "stress-ng", "dropbear" }, ToolRegistry.InGuest.Select(t => t.Name).ToHashSet());
        Assert.Equal("dropbear-bin", ToolRegistry.PackageFor("/usr/sbin/dropbear"));
        Assert.Equal(["-V"], ToolRegistry.VersionArgumentsOf("dropbear"));
        Assert.Contains("apt-get install -y iproute2", ToolRegistry.InstallHint("ip"));
    }

    private sealed class ToolComparer : IEqualityComparer<LabTool>
    {
        public bool Equals(LabTool? x, LabTool? y) => x is not null && y is not null && x with { VersionArguments = [] } == y with { VersionArguments = [] }
            && x.VersionArguments.SequenceEqual(y.VersionArguments);
        public int GetHashCode(LabTool t) => t.Name.GetHashCode();
    }
}
