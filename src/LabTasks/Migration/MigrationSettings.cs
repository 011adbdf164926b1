using System.Text.Json;
using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// How one migration runs: the QEMU capabilities and parameters it sets, how long the
/// orchestrator lets it try, and how often it samples query-migrate. Null parameters keep
/// QEMU's defaults (7.2: downtime-limit 300 ms, max-bandwidth 128 MiB/s).
/// </summary>
public sealed record MigrationSettings
{
    public static readonly string[] KnownCapabilities = ["auto-converge", "postcopy-ram", "xbzrle", "multifd"];

    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public int? DowntimeLimitMs { get; init; }
    public int? MaxBandwidthMiB { get; init; }
    public int? XbzrleCacheMiB { get; init; }
    public int? MultifdChannels { get; init; }
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public bool Has(string capability) => Capabilities.Contains(capability);
    public bool AutoConverge => Has("auto-converge");
    public bool Postcopy => Has("postcopy-ram");
    public bool Xbzrle => Has("xbzrle");
    public bool Multifd => Has("multifd");

    /// <summary>
    /// Parses item metadata: capabilities as a list separated by ';' or ',' (empty: none), the
    /// numbers as whole numbers (empty: QEMU's default). Bad values are LAB0002 naming the item.
    /// </summary>
    public static MigrationSettings Parse(string scenario, string capabilities, string downtimeLimitMs, string maxBandwidthMiB,
        string xbzrleCacheMiB, string multifdChannels, TimeSpan deadline, TimeSpan sampleInterval)
    {
        var caps = capabilities.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct().ToList();
        foreach (var cap in caps)
            if (!KnownCapabilities.Contains(cap))
                throw Bad(scenario, $"capability '{cap}' is not one VirtLab sets", $"use any of {string.Join(", ", KnownCapabilities)} (separated by ';').");
        return new MigrationSettings
        {
            Capabilities = caps,
            DowntimeLimitMs = Number(scenario, "DowntimeLimitMs", downtimeLimitMs, 1, 2_000_000),
            MaxBandwidthMiB = Number(scenario, "MaxBandwidthMiB", maxBandwidthMiB, 1, 1_000_000),
            XbzrleCacheMiB = Number(scenario, "XbzrleCacheMiB", xbzrleCacheMiB, 1, 65_536),
            MultifdChannels = Number(scenario, "MultifdChannels", multifdChannels, 1, 255),
            Deadline = deadline > TimeSpan.Zero ? deadline : throw Bad(scenario, "the deadline must be positive", "set profiles.<name>.migration.deadlineSeconds in lab.yaml."),
            SampleInterval = sampleInterval >= TimeSpan.FromMilliseconds(50) ? sampleInterval
                : throw Bad(scenario, "the sample interval must be at least 50 ms", "set profiles.<name>.migration.sampleMilliseconds in lab.yaml."),
        };
    }

    /// <summary>"auto-converge, downtime-limit 1000 ms" — or "QEMU defaults".</summary>
    public string Describe()
    {
        var parts = new List<string>(Capabilities);
        var inv = CultureInfo.InvariantCulture;
        if (DowntimeLimitMs is { } d) parts.Add(string.Create(inv, $"downtime-limit {d} ms"));
        if (MaxBandwidthMiB is { } b) parts.Add(string.Create(inv, $"max-bandwidth {b} MiB/s"));
        if (XbzrleCacheMiB is { } x) parts.Add(string.Create(inv, $"xbzrle-cache-size {x} MiB"));
        if (MultifdChannels is { } m) parts.Add(string.Create(inv, $"multifd-channels {m}"));
        return parts.Count == 0 ? "QEMU defaults" : string.Join(", ", parts);
    }

    /// <summary>
    /// The migrate-set-capabilities list for one side: every capability VirtLab knows, on or off
    /// (a source migrated before keeps what it was given then). Auto-converge and xbzrle act on
    /// the source only; postcopy-ram and multifd must be on at both ends.
    /// </summary>
    public List<Dictionary<string, object>> CapabilityStates(bool destination)
    {
        var list = new List<Dictionary<string, object>> { Cap("events", true) };
        foreach (var cap in KnownCapabilities)
            if (!destination || cap is "postcopy-ram" or "multifd")
                list.Add(Cap(cap, Has(cap)));
        return list;
    }

    /// <summary>The parameters this migration runs with: the chosen ones, else the defaults a fresh QEMU reports (query-migrate-parameters).</summary>
    public MigrationParameters Effective(JsonElement defaults) => new(
        DowntimeLimitMs ?? (int)(MigrationSample.Long(defaults, "downtime-limit") ?? 300),
        MaxBandwidthMiB is { } b ? (long)b << 20 : MigrationSample.Long(defaults, "max-bandwidth") ?? 128L << 20,
        XbzrleCacheMiB is { } x ? (long)x << 20 : MigrationSample.Long(defaults, "xbzrle-cache-size") ?? 64L << 20,
        MultifdChannels ?? (int)(MigrationSample.Long(defaults, "multifd-channels") ?? 2));

    /// <summary>The migrate-set-parameters arguments for one side.</summary>
    public Dictionary<string, object> Parameters(bool destination, JsonElement defaults)
    {
        var e = Effective(defaults);
        var p = new Dictionary<string, object> { ["multifd-channels"] = e.MultifdChannels };
        if (destination) return p;
        p["downtime-limit"] = e.DowntimeLimitMs;
        p["max-bandwidth"] = e.MaxBandwidthBytes;
        p["xbzrle-cache-size"] = e.XbzrleCacheBytes;
        return p;
    }

    private static Dictionary<string, object> Cap(string name, bool state) => new() { ["capability"] = name, ["state"] = state };

    private static int? Number(string scenario, string name, string text, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw Bad(scenario, $"{name} '{text}' is not a whole number from {min} to {max}", $"set {name} to a whole number in that range, or leave it empty for QEMU's default.");
        return value;
    }

    private static LabException Bad(string scenario, string problem, string fix) =>
        new(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}': {problem}.", fix);
}

