using System.Globalization;

namespace VirtLab.Migration;

/// <summary>
/// The order a completed migration's times must have: VirtLab's migration_elapsed (the migrate
/// command until the end was seen) ≥ QEMU's total time ≥ QEMU's downtime. QEMU counts whole
/// milliseconds from a moment after the command arrived, so elapsed may fall short of the total
/// by its rounding only. A migration that breaks the order has a figure that cannot be right; it
/// is reported (LAB0046) and its records are labelled, never recorded silently.
/// </summary>
public static class MigrationTimeOrder
{
    /// <summary>QEMU's resolution: its total time and downtime are whole milliseconds.</summary>
    public const double RoundingMs = 1;

    /// <summary>What is out of order, with the figures; null when the order holds or the migration did not complete.</summary>
    public static string? Violation(MigrationResult m) => Violation(m.Outcome, m.EndedAfterSeconds, m.TotalTimeMs, m.DowntimeMs);

    /// <summary>The LAB0046 warning for a migration whose times are out of order, with every figure; null when they are in order.</summary>
    public static string? Warning(MigrationRun run)
    {
        var m = run.Migration;
        if (Violation(m) is not { } disorder) return null;
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv,
            $"Scenario '{run.Scenario}' migration {run.Index} ({run.Workload}) completed with its times out of order: {disorder} (migration_elapsed {m.EndedAfterSeconds:0.000} s, migration_total_time {Ms(m.TotalTimeMs)}, migration_downtime {Ms(m.DowntimeMs)}). Its records are kept, labelled time_order=violated; QEMU's replies and events are in raw/{run.Scenario}/m{run.Index}-{run.Workload}-migration.json.");
    }

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0", CultureInfo.InvariantCulture) + " ms" : "n/a";

    public static string? Violation(string outcome, double elapsedSeconds, double? totalTimeMs, double? downtimeMs)
    {
        if (outcome != MigrationOutcome.Completed) return null;
        var inv = CultureInfo.InvariantCulture;
        var problems = new List<string>();
        if (totalTimeMs is { } total && elapsedSeconds * 1000 + RoundingMs < total)
            problems.Add(string.Create(inv, $"migration_elapsed {elapsedSeconds:0.000} s is shorter than QEMU's total time {total:0} ms"));
        if (totalTimeMs is { } t && downtimeMs is { } d && d > t)
            problems.Add(string.Create(inv, $"QEMU's downtime {d:0} ms is longer than its total time {t:0} ms"));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
