using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// A fault injected into one migration, <see cref="After"/> the migrate command (for
/// <see cref="PostcopyStreamCut"/>: the switch to postcopy happens then, the cut once the
/// destination runs the guest). Each kind has one expected fate for the guest; the records say
/// which fate it met (labels.guest_outcome).
/// </summary>
public sealed record MigrationFault(string Kind, TimeSpan After)
{
    /// <summary>SIGKILL the destination QEMU while the migration is active: the source keeps the guest.</summary>
    public const string KillDestination = "kill-destination";
    /// <summary>SIGKILL the source QEMU while pre-copy is active: the guest is lost (its state was only half sent).</summary>
    public const string KillSource = "kill-source";
    /// <summary>The stream's link goes down mid pre-copy (no FIN, no RST): VirtLab cancels at the deadline, the source keeps the guest.</summary>
    public const string StreamCut = "stream-cut";
    /// <summary>The link goes down after the postcopy switch-over: both sides pause, then recover on a new channel.</summary>
    public const string PostcopyStreamCut = "postcopy-stream-cut";
    /// <summary>migrate_cancel mid pre-copy: the source keeps the guest.</summary>
    public const string MigrateCancel = "migrate-cancel";

    public static readonly string[] Kinds = [KillDestination, KillSource, StreamCut, PostcopyStreamCut, MigrateCancel];

    public static readonly TimeSpan DefaultAfter = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The fault of a MigrationScenario item (metadata Fault and FaultAfterSeconds): none when
    /// Fault is empty; an unknown kind, a bad number or postcopy-stream-cut without postcopy-ram
    /// is LAB0002 naming the scenario.
    /// </summary>
    public static MigrationFault? Parse(string scenario, string kind, string afterSeconds, MigrationSettings settings)
    {
        kind = kind.Trim();
        if (kind.Length == 0) return null;
        if (!Kinds.Contains(kind))
            throw Bad(scenario, $"fault '{kind}' is not one VirtLab injects", $"use one of {string.Join(", ", Kinds)} (with FaultAfterSeconds), or leave Fault empty.");
        var after = DefaultAfter;
        if (afterSeconds.Trim().Length > 0)
        {
            if (!double.TryParse(afterSeconds.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) || !double.IsFinite(s) || s is <= 0 or >= 3600)
                throw Bad(scenario, $"FaultAfterSeconds '{afterSeconds}' is not a number of seconds above 0 and below 3600", "give seconds after the migrate command, e.g. FaultAfterSeconds=\"2\".");
            after = TimeSpan.FromSeconds(s);
        }
        if (kind == PostcopyStreamCut && !settings.Postcopy)
            throw Bad(scenario, "fault 'postcopy-stream-cut' needs postcopy", "add Capabilities=\"postcopy-ram\" to the scenario.");
        return new MigrationFault(kind, after);
    }

    private static LabException Bad(string scenario, string problem, string fix) =>
        new(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}': {problem}.", fix);
}
