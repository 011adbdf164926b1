namespace VirtLab.Config;

/// <summary>experiments/lab.yaml as the loader reads it. Names follow the YAML keys (camelCase there).</summary>
public sealed class LabConfig
{
    public NetworkConfig Network { get; set; } = new();
    public GuestConfig Guest { get; set; } = new();
    public KvmConfig Kvm { get; set; } = new();
    public Dictionary<string, ProfileConfig> Profiles { get; set; } = new() { ["default"] = new ProfileConfig() };
}
