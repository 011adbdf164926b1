using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class MigrationSysbenchCpuReference
{
    public double BaselineTotalSeconds { get; set; }
    public double DuringTotalSeconds { get; set; }
    public double BaselineLatencyMaxMs { get; set; }
    public double DuringLatencyMaxMs { get; set; }

    /// <summary>Relative increase of the total time during the migration (0.0045 = 0.45 % longer).</summary>
    public double? SlowdownFraction => BaselineTotalSeconds > 0 ? DuringTotalSeconds / BaselineTotalSeconds - 1 : null;
    public double? LatencyMaxRatio => BaselineLatencyMaxMs > 0 ? DuringLatencyMaxMs / BaselineLatencyMaxMs : null;
}
