namespace VirtLab.Config;

/// <summary>The section form of <see cref="RepeatsConfig"/>, as YAML writes it.</summary>
public sealed class RepeatsSection
{
    public int Min { get; set; } = 3;
    public int Max { get; set; }
    public double TargetRsdPercent { get; set; }
}
