using System.Text.Json;
using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// How one migration runs: the QEMU capabilities and parameters it sets, how long the
/// orchestrator lets it try, and how often it samples query-migrate. Null parameters keep
/// QEMU's defaults (7.2: downtime-limit 300 ms, max-bandwidth 128 MiB/s). What a QEMU build
/// offers is asked of it (<see cref="MigrationFeatures"/>); only that is ever sent to it.
/// </summary>
public sealed record MigrationSettings
{
    /// <summary>The capabilities a scenario may ask for (newer builds offer the last two: <see cref="MigrationFeatures.Catalogue"/>).</summary>
    public static readonly string[] KnownCapabilities = ["auto-converge", "postcopy-ram", "xbzrle", "multifd", "postcopy-preempt", "dirty-limit"];

    /// <summary>Capabilities that must be on at both ends of a migration; the others act on the source only.</summary>
    public static readonly string[] BothEnds = ["postcopy-ram", "multifd", "postcopy-preempt"];

    /// <summary>QEMU's ZeroPageDetection values (zero-page-detection, 9.0+): none, legacy (main migration thread), multifd (multifd sender threads).</summary>
    public static readonly string[] ZeroPageDetectionValues = ["none", "legacy", "multifd"];

    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public int? DowntimeLimitMs { get; init; }
    public int? MaxBandwidthMiB { get; init; }
    public int? XbzrleCacheMiB { get; init; }
    public int? MultifdChannels { get; init; }
    /// <summary>zero-page-detection: none, legacy or multifd; null: not set (a build without it has 7.2's legacy behaviour).</summary>
    public string? ZeroPageDetection { get; init; }
    /// <summary>vcpu-dirty-limit (MB/s per vCPU) for the dirty-limit capability.</summary>
    public int? DirtyLimitMiBps { get; init; }
    /// <summary>x-vcpu-dirty-limit-period (ms, 1–1000; QEMU's default 1000) for the dirty-limit capability.</summary>
    public int? DirtyLimitPeriodMs { get; init; }
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public bool Has(string capability) => Capabilities.Contains(capability);
    public bool AutoConverge => Has("auto-converge");
    public bool Postcopy => Has("postcopy-ram");
    public bool Xbzrle => Has("xbzrle");
    public bool Multifd => Has("multifd");
    public bool PostcopyPreempt => Has("postcopy-preempt");
    public bool DirtyLimit => Has("dirty-limit");

    /// <summary>
    /// Parses item metadata: capabilities as a list separated by ';' or ',' (empty: none), the
    /// numbers as whole numbers (empty: QEMU's default). Bad values are LAB0002 naming the item.
    /// Whether the QEMU build offers what is asked is not decided here (<see cref="MigrationFeatures"/>).
    /// </summary>
    public static MigrationSettings Parse(string scenario, string capabilities, string downtimeLimitMs, string maxBandwidthMiB,
        string xbzrleCacheMiB, string multifdChannels, TimeSpan deadline, TimeSpan sampleInterval,
        string zeroPageDetection = "", string dirtyLimitMiBps = "", string dirtyLimitPeriodMs = "")
    {
        var caps = capabilities.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct().ToList();
        foreach (var cap in caps)
            if (!KnownCapabilities.Contains(cap))
                throw Bad(scenario, $"capability '{cap}' is not one VirtLab sets", $"use any of {string.Join(", ", KnownCapabilities)} (separated by ';').");
        // QEMU's own rules (migrate_caps_check), said before a guest boots rather than by a refusal after its baseline.
        if (caps.Contains("postcopy-preempt") && !caps.Contains("postcopy-ram"))
            throw Bad(scenario, "capability 'postcopy-preempt' needs 'postcopy-ram'", "add postcopy-ram to Capabilities (postcopy-preempt only changes how postcopy's page requests travel).");
        if (caps.Contains("dirty-limit") && caps.Contains("auto-converge"))
            throw Bad(scenario, "capabilities 'dirty-limit' and 'auto-converge' exclude each other (QEMU refuses both at once)", "keep one of them in Capabilities.");
        var zeroPage = string.IsNullOrWhiteSpace(zeroPageDetection) ? null : zeroPageDetection.Trim();
        if (zeroPage is not null && !ZeroPageDetectionValues.Contains(zeroPage))
            throw Bad(scenario, $"ZeroPageDetection '{zeroPageDetection}' is not one of {string.Join(", ", ZeroPageDetectionValues)}",
                "set ZeroPageDetection to none, legacy or multifd (QEMU's zero-page-detection), or leave it empty.");
        var dirtyLimit = Number(scenario, "DirtyLimitMiBps", dirtyLimitMiBps, 1, 1_000_000);
        var dirtyLimitPeriod = Number(scenario, "DirtyLimitPeriodMs", dirtyLimitPeriodMs, 1, 1000);
        if (caps.Contains("dirty-limit") && dirtyLimit is null)
            throw Bad(scenario, "capability 'dirty-limit' needs DirtyLimitMiBps", "set DirtyLimitMiBps to the dirty rate each vCPU is held to (QEMU's vcpu-dirty-limit, MB/s); QEMU's default of 1 MB/s all but stops a busy guest.");
        if (!caps.Contains("dirty-limit") && (dirtyLimit is not null || dirtyLimitPeriod is not null))
            throw Bad(scenario, $"{(dirtyLimit is not null ? "DirtyLimitMiBps" : "DirtyLimitPeriodMs")} applies only with the capability 'dirty-limit'", "add dirty-limit to Capabilities, or leave DirtyLimitMiBps and DirtyLimitPeriodMs empty.");
        return new MigrationSettings
        {
            Capabilities = caps,
            DowntimeLimitMs = Number(scenario, "DowntimeLimitMs", downtimeLimitMs, 1, 2_000_000),
            MaxBandwidthMiB = Number(scenario, "MaxBandwidthMiB", maxBandwidthMiB, 1, 1_000_000),
            XbzrleCacheMiB = Number(scenario, "XbzrleCacheMiB", xbzrleCacheMiB, 1, 65_536),
            MultifdChannels = Number(scenario, "MultifdChannels", multifdChannels, 1, 255),
            ZeroPageDetection = zeroPage,
            DirtyLimitMiBps = dirtyLimit,
            DirtyLimitPeriodMs = dirtyLimitPeriod,
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
        if (ZeroPageDetection is { } z) parts.Add($"zero-page-detection {z}");
        if (DirtyLimitMiBps is { } l) parts.Add(string.Create(inv, $"vcpu-dirty-limit {l} MB/s"));
        if (DirtyLimitPeriodMs is { } t) parts.Add(string.Create(inv, $"x-vcpu-dirty-limit-period {t} ms"));
        return parts.Count == 0 ? "QEMU defaults" : string.Join(", ", parts);
    }

    /// <summary>
    /// The migrate-set-capabilities list for one side: "events" on, and every capability VirtLab
    /// knows that this build offers, on or off (a source migrated before keeps what it was given
    /// then). A capability the build does not offer is never named: QEMU refuses the whole command
    /// over one unknown name. Auto-converge, xbzrle and dirty-limit act on the source only;
    /// postcopy-ram, multifd and postcopy-preempt must be on at both ends.
    /// </summary>
    public List<Dictionary<string, object>> CapabilityStates(bool destination, MigrationFeatures features)
    {
        var list = new List<Dictionary<string, object>>();
        if (features.Offers("events")) list.Add(Cap("events", true));
        foreach (var cap in KnownCapabilities)
            if (features.Offers(cap) && (!destination || BothEnds.Contains(cap)))
                list.Add(Cap(cap, Has(cap)));
        return list;
    }

    /// <summary>The capabilities this scenario turns on at one end (what a build must offer there).</summary>
    public IEnumerable<string> CapabilitiesAt(bool destination) => Capabilities.Where(c => !destination || BothEnds.Contains(c));

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
        // Parameters of newer builds only when the scenario chose them, so a scenario that did not sends what it always sent.
        if (ZeroPageDetection is { } z) p["zero-page-detection"] = z;
        if (DirtyLimitMiBps is { } l) p["vcpu-dirty-limit"] = (long)l;
        if (DirtyLimitPeriodMs is { } t) p["x-vcpu-dirty-limit-period"] = (long)t;
        return p;
    }

    /// <summary>The names of the parameters <see cref="Parameters"/> sets at one end (what a build must offer there).</summary>
    public IEnumerable<string> ParameterNamesAt(bool destination) => Parameters(destination, default).Keys;

    /// <summary>
    /// The labels that say which migration features a scenario used: capabilities (none or a
    /// comma-separated list), and the newer builds' parameters when the scenario chose them.
    /// </summary>
    public void AddFeatureLabels(IDictionary<string, string> labels)
    {
        var inv = CultureInfo.InvariantCulture;
        labels["capabilities"] = Capabilities.Count == 0 ? "none" : string.Join(',', Capabilities);
        if (ZeroPageDetection is { } z) labels["zero_page_detection"] = z;
        if (DirtyLimitMiBps is { } l) labels["vcpu_dirty_limit_mibps"] = l.ToString(inv);
        if (DirtyLimitPeriodMs is { } t) labels["dirty_limit_period_ms"] = t.ToString(inv);
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

