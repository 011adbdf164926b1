using System.Text.Json;
using System.Text.Json.Serialization;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// What the KVM probe concluded on one host (one fingerprint): available or not, why, and what the
/// probe saw. Cached so that a host pays for the probe once.
/// </summary>
public sealed record KvmVerdict(
    [property: JsonPropertyName("available")] bool Available,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("bootSeconds")] double? BootSeconds,
    [property: JsonPropertyName("serialTail")] string SerialTail,
    [property: JsonPropertyName("hostFingerprint")] string HostFingerprint,
    [property: JsonPropertyName("qemuVersion")] string QemuVersion,
    [property: JsonPropertyName("time")] DateTimeOffset Time)
{
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this));

    public static KvmVerdict Load(string path) =>
        JsonSerializer.Deserialize<KvmVerdict>(File.ReadAllText(path)) ?? throw new JsonException($"{path} is empty");

    /// <summary>The reason in one line, for record labels and summaries.</summary>
    public string ShortReason => Reason.Split('\n')[0];
}
