using System.Text.Json;
using VirtLab.Qemu;

namespace VirtLab.Migration;

/// <summary>
/// What one QEMU build offers for migration, as it says itself: the capability names
/// query-migrate-capabilities lists and the parameter names query-migrate-parameters reports
/// (with their values — on a fresh QEMU, that build's defaults). VirtLab sends a build only what
/// it offers; a scenario that asks for more, or for something the build refuses when it is set,
/// is unavailable on that build (<see cref="MigrationUnavailable"/>): not an error, and not a
/// measurement.
/// </summary>
/// <remarks>
/// Newer builds offer more: QEMU 7.2 (Debian 12) has postcopy-preempt but neither dirty-limit nor
/// zero-page-detection; 10.0 (bookworm-backports) has all three. Parameter names are the keys of
/// query-migrate-parameters' answer, which leaves out optional parameters that were never set
/// (block-bitmap-mapping); none of those is one VirtLab sets.
/// </remarks>
public sealed class MigrationFeatures
{
    /// <summary>
    /// The features VirtLab may set, with the QEMU release that introduced each (qapi/migration.json's
    /// "since") and the scenario metadata that asks for it.
    /// </summary>
    public static readonly IReadOnlyList<MigrationFeature> Catalogue =
    [
        new("xbzrle", true, "1.2", "Capabilities"),
        new("auto-converge", true, "1.6", "Capabilities"),
        new("postcopy-ram", true, "2.6", "Capabilities"),
        new("multifd", true, "4.0", "Capabilities"),
        new("postcopy-preempt", true, "7.1", "Capabilities"),
        new("dirty-limit", true, "8.1", "Capabilities",
            "QEMU accepts dirty-limit only under KVM with the accelerator property dirty-ring-size set (-accel kvm,dirty-ring-size=N), never under TCG"),
        new("downtime-limit", false, "2.8", "DowntimeLimitMs"),
        new("max-bandwidth", false, "2.8", "MaxBandwidthMiB"),
        new("xbzrle-cache-size", false, "2.11", "XbzrleCacheMiB"),
        new("multifd-channels", false, "4.0", "MultifdChannels"),
        new("vcpu-dirty-limit", false, "8.1", "DirtyLimitMiBps"),
        new("x-vcpu-dirty-limit-period", false, "8.1", "DirtyLimitPeriodMs"),
        new("zero-page-detection", false, "9.0", "ZeroPageDetection"),
    ];

    private MigrationFeatures(string qemuVersion, IReadOnlySet<string> capabilities, IReadOnlySet<string> parameters, JsonElement parameterValues)
    {
        QemuVersion = qemuVersion;
        Capabilities = capabilities;
        Parameters = parameters;
        ParameterValues = parameterValues;
    }

    /// <summary>"7.2.22": the version of the QEMU that answered.</summary>
    public string QemuVersion { get; }

    /// <summary>Every capability name the build lists (also those VirtLab never sets).</summary>
    public IReadOnlySet<string> Capabilities { get; }

    /// <summary>Every parameter name the build reports.</summary>
    public IReadOnlySet<string> Parameters { get; }

    /// <summary>query-migrate-parameters' answer as it was given (a fresh QEMU's: that build's defaults).</summary>
    public JsonElement ParameterValues { get; }

    public bool Offers(string capability) => Capabilities.Contains(capability);

    public bool OffersParameter(string parameter) => Parameters.Contains(parameter);

    /// <summary>
    /// From the "return" values of query-migrate-capabilities (a list of {capability, state}) and
    /// query-migrate-parameters (an object); anything else is LAB0043, since no QEMU answers that.
    /// </summary>
    public static MigrationFeatures From(JsonElement capabilities, JsonElement parameters, string qemuVersion)
    {
        if (capabilities.ValueKind != JsonValueKind.Array || parameters.ValueKind != JsonValueKind.Object)
            throw new Util.LabException(Util.LabCodes.Qmp,
                $"QEMU {qemuVersion} answered query-migrate-capabilities with {capabilities.ValueKind} and query-migrate-parameters with {parameters.ValueKind}, not a list and an object.");
        var caps = capabilities.EnumerateArray()
            .Select(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("capability", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var names = parameters.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return new MigrationFeatures(qemuVersion, caps, names, parameters.Clone());
    }

    /// <summary>Asks a running QEMU (its version from the QMP greeting).</summary>
    public static MigrationFeatures Query(QmpClient qmp) =>
        From(qmp.Execute("query-migrate-capabilities"), qmp.Execute("query-migrate-parameters"), qmp.Version);

    /// <summary>
    /// What <paramref name="settings"/> would set at one end that this build does not offer: at the
    /// source every capability the scenario turns on and every parameter VirtLab sets there; at the
    /// destination the capabilities both ends need and the parameters set there.
    /// </summary>
    public IReadOnlyList<MigrationFeature> Missing(MigrationSettings settings, bool destination = false) =>
        settings.CapabilitiesAt(destination).Where(c => !Offers(c)).Select(c => Describe(c, capability: true))
            .Concat(settings.ParameterNamesAt(destination).Where(p => !OffersParameter(p)).Select(p => Describe(p, capability: false)))
            .ToList();

    /// <summary>Null when this build offers all that <paramref name="settings"/> sets at that end; else why the scenario cannot run on it and what to do.</summary>
    public MigrationUnavailable? Unavailable(MigrationSettings settings, bool destination = false)
    {
        var missing = Missing(settings, destination);
        if (missing.Count == 0) return null;
        var needed = missing.Select(f => f.Since).OrderByDescending(ParseVersion).First();
        var side = destination ? "the destination's " : "";
        return new MigrationUnavailable(QemuVersion, missing.Select(f => f.Name).ToList(),
            $"The scenario needs {string.Join(" and ", missing.Select(f => $"{f} (QEMU ≥ {f.Since})"))}, which {side}QEMU {QemuVersion} does not offer; "
            + $"run it with a newer QemuBuild (QEMU ≥ {needed}).");
    }

    /// <summary>
    /// This build offers what was set, but refused it: <paramref name="error"/> is QEMU's answer to
    /// migrate-set-capabilities or migrate-set-parameters on <paramref name="side"/> (source or destination).
    /// The features named are those of the command QEMU's message names, else all the scenario set with it.
    /// </summary>
    public MigrationUnavailable Refused(MigrationSettings settings, QmpError error, string side)
    {
        var destination = side == "destination";
        var set = error.Command == "migrate-set-capabilities"
            ? settings.CapabilitiesAt(destination).ToList()
            : settings.ParameterNamesAt(destination).ToList();
        var named = set.Where(f => Mentions(error.Description, f)).ToList();
        var features = (named.Count > 0 ? named : set).Select(f => Describe(f, error.Command == "migrate-set-capabilities")).ToList();
        var needs = features.Select(f => f.Needs).OfType<string>().ToList();
        var what = features.Count > 0 ? $"offers {string.Join(" and ", features.Select(f => f.ToString()))} but refused it" : "refused the scenario's settings";
        return new MigrationUnavailable(QemuVersion, features.Select(f => f.Name).ToList(),
            $"QEMU {QemuVersion} {what} on the {side} ({error}); "
            + (needs.Count > 0 ? string.Join("; ", needs) + ": run it on a host and QemuBuild where that holds." : "change the scenario, or run it with another QemuBuild."));
    }

    /// <summary>
    /// Before a scenario's first migration, on its source QEMU: what the build offers, and whether
    /// it takes the scenario's capabilities and parameters. They are set here as every migration sets
    /// them (capabilities and parameters act only while a migration runs), so a refusal is known
    /// before the scenario spends its time on baselines.
    /// </summary>
    public static (MigrationFeatures Features, MigrationUnavailable? Unavailable) Check(QmpClient source, MigrationSettings settings)
    {
        var features = Query(source);
        if (features.Unavailable(settings) is { } missing) return (features, missing);
        if (source.TryExecute("migrate-set-capabilities", new Dictionary<string, object> { ["capabilities"] = settings.CapabilityStates(destination: false, features) }) is { } refused)
            return (features, features.Refused(settings, refused, "source"));
        if (source.TryExecute("migrate-set-parameters", settings.Parameters(destination: false, features.ParameterValues)) is { } refusedParameter)
            return (features, features.Refused(settings, refusedParameter, "source"));
        return (features, null);
    }

    /// <summary>"QEMU 7.2.22: capabilities auto-converge, …; parameters downtime-limit, …": what this build offers of what VirtLab sets, for a log line.</summary>
    public string Describe() =>
        $"QEMU {QemuVersion}: capabilities {string.Join(", ", MigrationSettings.KnownCapabilities.Where(Offers))}; "
        + $"parameters {string.Join(", ", Catalogue.Where(f => !f.IsCapability && OffersParameter(f.Name)).Select(f => f.Name))}";

    private static MigrationFeature Describe(string name, bool capability) =>
        Catalogue.FirstOrDefault(f => f.Name == name && f.IsCapability == capability) ?? new MigrationFeature(name, capability, "?", "");

    // QEMU's messages write a capability's name as is ("dirty-limit requires …") or as words ("Postcopy preempt requires …").
    private static bool Mentions(string message, string name) =>
        message.Contains(name, StringComparison.OrdinalIgnoreCase) || message.Contains(name.Replace('-', ' '), StringComparison.OrdinalIgnoreCase);

    private static Version ParseVersion(string v) => Version.TryParse(v, out var parsed) ? parsed : new Version(0, 0);
}

/// <summary>A migration capability or parameter VirtLab may set: the QEMU release that introduced it, the scenario metadata that asks for it, what else it needs.</summary>
public sealed record MigrationFeature(string Name, bool IsCapability, string Since, string Metadata, string? Needs = null)
{
    public string Kind => IsCapability ? "capability" : "parameter";

    /// <summary>"capability 'dirty-limit'".</summary>
    public override string ToString() => $"{Kind} '{Name}'";
}

/// <summary>Why a scenario cannot run on a QEMU build: the features concerned, the build's version, and a reason that says what to do.</summary>
public sealed record MigrationUnavailable(string QemuVersion, IReadOnlyList<string> Features, string Reason);

/// <summary>Thrown when a migration finds its scenario unavailable on the QEMU build (a destination that lacks or refuses a feature); LiveMigrate records it as such.</summary>
public sealed class MigrationUnavailableException(MigrationUnavailable unavailable) : Exception(unavailable.Reason)
{
    public MigrationUnavailable Unavailable { get; } = unavailable;
}
