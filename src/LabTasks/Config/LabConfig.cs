namespace VirtLab.Config;

/// <summary>experiments/lab.yaml as the loader reads it. Names follow the YAML keys (camelCase there).</summary>
public sealed class LabConfig
{
    public NetworkConfig Network { get; set; } = new();
    public GuestConfig Guest { get; set; } = new();
    public KvmConfig Kvm { get; set; } = new();
    /// <summary>Machines reached over SSH, by name; "local" (this machine) is implicit and reserved.</summary>
    public Dictionary<string, HostConfig> Hosts { get; set; } = new();
    public Dictionary<string, ProfileConfig> Profiles { get; set; } = new() { ["default"] = new ProfileConfig() };

    /// <summary>The line of 'profiles:' in the file (0 when absent), for an error about a profile it lacks. Not a key: internal, so neither YAML nor the generated props see it.</summary>
    internal int ProfilesLine { get; set; }

    /// <summary>The line of 'hosts:' (0 when absent), for an error about a host it lacks.</summary>
    internal int HostsLine { get; set; }

    /// <summary>The lab file the configuration was read from, for errors raised after loading.</summary>
    internal string SourceFile { get; set; } = "";
}
