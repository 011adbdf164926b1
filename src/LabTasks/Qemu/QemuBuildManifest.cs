using System.Text.Json;
using System.Text.Json.Serialization;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// What a fetched QEMU build's cache folder holds (virtlab-qemu.json in it): the Debian and upstream
/// versions, the SHA-256 of its qemu-system-x86_64, the packages it was unpacked from, where from
/// and when. Written before the folder is renamed into place, so a folder with a manifest is complete.
/// </summary>
public sealed record QemuBuildManifest(
    [property: JsonPropertyName("debianVersion")] string DebianVersion,
    [property: JsonPropertyName("upstreamVersion")] string UpstreamVersion,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("packages")] IReadOnlyList<string> Packages,
    [property: JsonPropertyName("mirror")] string Mirror,
    [property: JsonPropertyName("suite")] string Suite,
    [property: JsonPropertyName("fetched")] DateTimeOffset Fetched)
{
    public const string FileName = "virtlab-qemu.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public void Save(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Indented) + "\n");

    /// <summary>The manifest of <paramref name="folder"/>, or null when it has none or one that does not read (an incomplete folder).</summary>
    public static QemuBuildManifest? TryLoad(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var manifest = JsonSerializer.Deserialize<QemuBuildManifest>(File.ReadAllText(path));
            return manifest is { DebianVersion.Length: > 0, Sha256.Length: 64 } ? manifest : null;
        }
        catch (JsonException) { return null; }
        catch (IOException) { return null; }
    }
}
