using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class MigrationSysbenchMemoryReference
{
    public string Command { get; set; } = "";
    public double BaselineMegabytesPerSecond { get; set; }
    public double DuringMegabytesPerSecond { get; set; }

    /// <summary>During / baseline.</summary>
    public double? DuringFraction => BaselineMegabytesPerSecond > 0 ? DuringMegabytesPerSecond / BaselineMegabytesPerSecond : null;
}
