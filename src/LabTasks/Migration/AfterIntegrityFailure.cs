using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// What a scenario does when a migration leaves a guest that fails its integrity check
/// (MigrationScenario metadata AfterIntegrityFailure). Stop: the corrupted guest is not migrated
/// again and the scenario ends there (its next migrations would measure the corruption). Reboot:
/// the corrupted guest is stopped, a fresh guest of the same spec boots as the next generation
/// (its own tap) and the scenario goes on, so a soak counts failures over all of its planned
/// migrations.
/// </summary>
public enum AfterIntegrityFailure
{
    Stop,
    Reboot,
}

public static class IntegrityFailurePolicy
{
    public static readonly string[] Names = ["stop", "reboot"];

    /// <summary>The scenario's policy from its metadata; empty: stop.</summary>
    public static AfterIntegrityFailure Parse(string scenario, string? value) => value?.Trim() switch
    {
        null or "" or "stop" => AfterIntegrityFailure.Stop,
        "reboot" => AfterIntegrityFailure.Reboot,
        var bad => throw new LabException(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}': AfterIntegrityFailure '{bad}' is not what VirtLab can do after a corrupted guest.",
            "use AfterIntegrityFailure=\"stop\" (the scenario ends at the first corrupted guest; the default) or \"reboot\" (a fresh guest boots and the scenario goes on with its remaining migrations)."),
    };
}
