using System.Text.Json;
namespace VirtLab.Migration;

/// <summary>
/// One query-migrate answer on the source, <see cref="T"/> seconds after the migrate command.
/// Byte counts are bytes; DirtyPagesRate is pages per second as QEMU reports it.
/// </summary>
public sealed record MigrationSample(
    double T,
    string Status,
    long? Transferred,
    long? Remaining,
    long? Total,
    long? DirtyPagesRate,
    long? DirtySyncCount,
    int? CpuThrottlePercentage,
    double? Mbps,
    long? ExpectedDowntimeMs)
{
    public static MigrationSample From(JsonElement reply, double t)
    {
        var ram = reply.TryGetProperty("ram", out var r) ? r : default;
        return new MigrationSample(
            t,
            reply.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "",
            Long(ram, "transferred"),
            Long(ram, "remaining"),
            Long(ram, "total"),
            Long(ram, "dirty-pages-rate"),
            Long(ram, "dirty-sync-count"),
            (int?)Long(reply, "cpu-throttle-percentage"),
            Double(ram, "mbps"),
            Long(reply, "expected-downtime"));
    }

    internal static long? Long(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    /// <summary>
    /// total-time or downtime of a finished migration's last answer, or null when QEMU did not
    /// measure it: QEMU 7.2 answers 0 for both after a completed multifd migration (its multifd
    /// completion path never stamps them), which would read as a migration without any pause.
    /// </summary>
    public static double? FinalMilliseconds(JsonElement final, string name) =>
        Double(final, name) is { } ms && !(ms == 0 && final.TryGetProperty("status", out var s) && s.GetString() == "completed") ? ms : null;

    internal static double? Double(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}

