using System.Text.Json;
using System.Text.Json.Serialization;

namespace VirtLab.Guest;

/// <summary>image.json: what an image was built from, so results can be labelled with it.</summary>
public sealed record ImageManifest
{
    public required string KernelVersion { get; init; }
    public string? KernelPackage { get; init; }
    public string? KernelPackageVersion { get; init; }
    public required string KernelSource { get; init; }
    public required string KernelSha256 { get; init; }
    /// <summary>SHA-256 of OUT/vmlinux, the PVH-bootable uncompressed kernel; null when the kernel has no PVH entry.</summary>
    public string? PvhKernelSha256 { get; init; }
    public required string InitramfsSha256 { get; init; }
    public required IReadOnlyList<string> Modules { get; init; }
    public required IReadOnlyDictionary<string, string> Tools { get; init; }
    public required DateTimeOffset BuildTime { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    public static ImageManifest FromJson(string json) =>
        JsonSerializer.Deserialize<ImageManifest>(json, Json) ?? throw new JsonException("image.json is empty.");
}
