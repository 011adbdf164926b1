using VirtLab.Qemu;

namespace VirtLab.Migration;

/// <summary>
/// The QEMU trace events that say where a switch-over's pause goes (<see cref="SwitchoverBreakdown"/>),
/// enabled on both QEMUs of a migration just before it starts. Each build is sent only the names
/// it has: 7.2 lacks the vmstate_downtime_* events (QEMU added them in 9.0), 10.x lacks migrate_pending.
/// They fire a few times per migration (migrate_pending once per iteration), so they cost nothing measurable.
/// </summary>
public static class SwitchoverTrace
{
    public static IReadOnlyList<string> Events { get; } =
    [
        "migration_thread_low_pending", "migrate_pending", "migrate_pending_exact",
        "vm_state_notify", "migration_completion_vm_stop", "migration_bitmap_sync_end",
        "vmstate_downtime_checkpoint", "vmstate_downtime_save", "vmstate_downtime_load",
        "migrate_set_state", "process_incoming_migration_co_end",
    ];

    /// <summary>Enables every event of <see cref="Events"/> this QEMU has; returns those it accepted.</summary>
    public static IReadOnlyList<string> Enable(QmpClient qmp) =>
        Events.Where(name => qmp.TryExecute("trace-event-set-state", new Dictionary<string, object> { ["name"] = name, ["enable"] = true }) is null).ToList();

    /// <summary>
    /// The lines of <see cref="Events"/> in a guest's trace log between <paramref name="from"/> and
    /// <paramref name="to"/> (a QEMU that was a destination before it was a source logged both
    /// migrations); none when the log is missing.
    /// </summary>
    public static IReadOnlyList<QemuTraceLine> Read(string? traceLog, DateTimeOffset from, DateTimeOffset to)
    {
        if (traceLog is null || !File.Exists(traceLog)) return [];
        using var stream = new FileStream(traceLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return QemuTraceLine.Parse(lines).Where(l => l.Time >= from && l.Time <= to && Events.Contains(l.Event)).ToList();
    }
}
