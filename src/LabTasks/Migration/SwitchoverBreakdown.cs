using System.Globalization;
using VirtLab.Qemu;

namespace VirtLab.Migration;

/// <summary>
/// Where a pre-copy switch-over's time went, read from both QEMUs' trace logs
/// (<see cref="SwitchoverTrace"/>): from the moment the source decided to stop the guest (too little
/// RAM left to send: migration_thread_low_pending) to the moment the destination ran it again. The
/// steps follow QEMU's completion path; a step whose closing trace point the build lacks is merged
/// into the next one, so QEMU 7.2's "wait-for-lock+stop-vcpus" is 10.x's two steps.
/// </summary>
/// <remarks>
/// The steps sum to <see cref="TotalMilliseconds"/>, which covers more than QEMU's downtime figure:
/// QEMU starts that clock after taking the main loop lock and stops it when the source is done,
/// before the destination has loaded the last state and started the vCPUs.
/// </remarks>
public sealed record SwitchoverBreakdown(
    double DecidedAtT,
    IReadOnlyList<SwitchoverStep> Steps,
    long? PendingBytes,
    long? ThresholdBytes,
    (string Device, double Milliseconds)? SlowestSave,
    (string Device, double Milliseconds)? SlowestLoad)
{
    public double TotalMilliseconds => Steps.Sum(s => s.Milliseconds);

    /// <summary>"412 ms: stop-vcpus 371, final-dirty-sync 2, … (11.8 MiB pending)" for the build log.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var pending = PendingBytes is { } p ? string.Create(inv, $" ({p / 1048576.0:0.0} MiB pending)") : "";
        return string.Create(inv, $"{TotalMilliseconds:0} ms: ") + string.Join(", ", Steps.Select(s => string.Create(inv, $"{s.Name} {s.Milliseconds:0.#}"))) + pending;
    }

    private sealed record Mark(string Step, bool Destination, Func<QemuTraceLine, bool> Is);

    private static readonly Mark[] Marks =
    [
        // 10.x: QEMU's downtime clock starts once the migration thread holds the main loop lock.
        new("wait-for-lock", false, l => Checkpoint(l, "src-downtime-start")),
        // vm_state_notify runs after pause_all_vcpus returned: every vCPU has left guest code.
        new("stop-vcpus", false, l => l.Event == "vm_state_notify" && l.Arguments.Contains("(finish-migrate)", StringComparison.Ordinal)),
        new("stop-notifiers", false, l => Checkpoint(l, "src-vm-stopped") || l.Event == "migration_completion_vm_stop"),
        new("final-dirty-sync", false, l => l.Event == "migration_bitmap_sync_end"),
        new("send-ram", false, l => Checkpoint(l, "src-iterable-saved")),
        new("send-devices", false, l => Checkpoint(l, "src-non-iterable-saved")),
        new("source-finish", false, l => l.Event == "migrate_set_state" && l.Arguments.EndsWith(" completed", StringComparison.Ordinal)),
        new("destination-load", true, l => l.Event == "process_incoming_migration_co_end"),
        new("destination-start", true, l => l.Event == "vm_state_notify" && l.Arguments.StartsWith("running 1", StringComparison.Ordinal)),
    ];

    /// <summary>The breakdown of the last switch-over in the logs after <paramref name="startedAt"/>; null when the source never decided to stop (not completed, or post-copy).</summary>
    public static SwitchoverBreakdown? From(IReadOnlyList<QemuTraceLine> source, IReadOnlyList<QemuTraceLine> destination, DateTimeOffset startedAt)
    {
        var stopped = source.FirstOrDefault(Marks[1].Is);
        if (stopped is null) return null;
        var decided = source.LastOrDefault(l => l.Event == "migration_thread_low_pending" && l.Time <= stopped.Time);
        if (decided is null) return null;

        var steps = new List<SwitchoverStep>();
        var cursor = decided.Time;
        var merged = "";
        foreach (var mark in Marks)
        {
            var name = merged.Length == 0 ? mark.Step : merged + "+" + mark.Step;
            // Destination marks may come before the source's last ones (the destination loads while the source tidies up): searched from the decision on.
            var at = (mark.Destination ? destination.Where(l => l.Time >= decided.Time) : source.Where(l => l.Time >= cursor)).FirstOrDefault(mark.Is);
            if (at is null)
            {
                merged = name;
                continue;
            }
            var end = at.Time > cursor ? at.Time : cursor;
            steps.Add(new SwitchoverStep(name, (cursor - startedAt).TotalSeconds, (end - cursor).TotalMilliseconds));
            cursor = end;
            merged = "";
        }

        var pendingReports = source.Where(l => l.Event == "migrate_pending" && l.Time <= decided.Time).ToList();
        return new SwitchoverBreakdown((decided.Time - startedAt).TotalSeconds, steps,
            FirstNumber(decided.Arguments), pendingReports.Count == 0 ? null : NumberAfter(pendingReports[^1].Arguments, "max "),
            Slowest(source.Where(l => l.Event == "vmstate_downtime_save" && l.Time >= decided.Time)),
            Slowest(destination.Where(l => l.Event == "vmstate_downtime_load" && l.Time >= decided.Time)));
    }

    private static bool Checkpoint(QemuTraceLine l, string name) => l.Event == "vmstate_downtime_checkpoint" && l.Arguments == name;

    /// <summary>The device state (not RAM) that took longest to save or load: vmstate_downtime_* says microseconds per device.</summary>
    private static (string, double)? Slowest(IEnumerable<QemuTraceLine> lines)
    {
        (string, double)? slowest = null;
        foreach (var l in lines)
            if (l.Argument("type") == "non-iterable" && l.Argument("idstr") is { } device
                && long.TryParse(l.Argument("downtime"), NumberStyles.None, CultureInfo.InvariantCulture, out var micro)
                && (slowest is null || micro / 1000.0 > slowest.Value.Item2))
                slowest = (device, micro / 1000.0);
        return slowest;
    }

    private static long? FirstNumber(string arguments) =>
        long.TryParse(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static long? NumberAfter(string arguments, string label)
    {
        var i = arguments.IndexOf(label, StringComparison.Ordinal);
        return i < 0 ? null : FirstNumber(arguments[(i + label.Length)..]);
    }
}
