using System.IO.Compression;
using System.Text;
using VirtLab.Guest;

namespace VirtLab.Tests;

/// <summary>
/// Key material on disk: every file under obj/virtlab that holds a private key — as text (OpenSSH's
/// "PRIVATE KEY" armour), as a dropbear key, or packed inside a gzip'd archive such as the
/// initramfs — must be 0600 inside a 0700 folder.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SecretFilesTests
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly byte[] OpenSshArmour = Encoding.ASCII.GetBytes("PRIVATE KEY");
    /// <summary>Dropbear's ed25519 key file: string "ssh-ed25519", then a 64-byte string (private and public halves).</summary>
    private static readonly byte[] DropbearEd25519 = [0, 0, 0, 11, .. Encoding.ASCII.GetBytes("ssh-ed25519"), 0, 0, 0, 64];

    /// <summary>Files under <paramref name="root"/> holding a private key (decompressing gzip'd ones).</summary>
    private static List<string> FilesHoldingKeys(string root)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (new FileInfo(file).LinkTarget is not null) continue;
            byte[] content;
            try { content = File.ReadAllBytes(file); } catch (FileNotFoundException) { continue; } // gone meanwhile (a running build's temp file)
            if (content is [0x1f, 0x8b, ..])
            {
                using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                content = plain.ToArray();
            }
            if (content.AsSpan().IndexOf(OpenSshArmour) >= 0 || content.AsSpan().IndexOf(DropbearEd25519) >= 0) found.Add(file);
        }
        return found;
    }

    private static void AssertPrivate(string root, IEnumerable<string> keyFiles)
    {
        var exposed = keyFiles
            .SelectMany(f => new[] { f, Path.GetDirectoryName(f)! })
            .Distinct()
            .Where(p => (File.GetUnixFileMode(p) & GroupOrOthers) != 0)
            .Select(p => $"{Path.GetRelativePath(root, p)} is {Convert.ToString((int)File.GetUnixFileMode(p), 8)}")
            .ToList();
        Assert.True(exposed.Count == 0, "key material readable beyond its owner: " + string.Join("; ", exposed));
    }

    [Fact]
    public void No_file_under_obj_virtlab_holding_a_private_key_is_readable_by_group_or_others()
    {
        using var temp = new GuestTempDirectory();
        var obj = Path.Combine(temp.Path, "obj", "virtlab");
        var image = new GuestImageBuilder(new GuestImageOptions(Path.Combine(obj, "guest"))).Build();

        var keyFiles = FilesHoldingKeys(obj);

        // The walk finds all three: the client's OpenSSH key, the guest's dropbear host key and the
        // initramfs that carries that host key into the guest.
        Assert.Equal(
            new[] { image.ClientPrivateKey, Path.Combine(image.KeysDirectory, "guest_host_ed25519"), image.Initramfs }.Order(StringComparer.Ordinal),
            keyFiles.Order(StringComparer.Ordinal));
        AssertPrivate(obj, keyFiles);

        // An image left 0644 in a 0755 folder by an earlier VirtLab is up to date by its inputs, so
        // no rebuild closes it: loading it (as every guest task does) must.
        File.SetUnixFileMode(image.Initramfs, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(image.OutputDirectory, (UnixFileMode)0b111_101_101);
        GuestImageBuilder.Load(image.OutputDirectory);
        AssertPrivate(obj, keyFiles);
    }
}
