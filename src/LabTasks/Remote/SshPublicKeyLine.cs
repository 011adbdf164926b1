using System.Buffers.Binary;
using System.Text;

namespace VirtLab.Remote;

/// <summary>An OpenSSH public key line, "ssh-ed25519 AAAA… comment": its type and the key blob SSH.NET receives from the host.</summary>
public sealed record SshPublicKeyLine(string Type, byte[] Blob)
{
    public static readonly IReadOnlySet<string> KnownTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
    };

    /// <summary>
    /// Parses "type base64 [comment]"; null unless the type is one SSH host keys use and the blob
    /// is base64 that starts with that same type (the blob names its own type, so a key pasted
    /// under the wrong type, or cut short, is caught here and not at the first connection).
    /// </summary>
    public static SshPublicKeyLine? TryParse(string line)
    {
        var parts = line.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !KnownTypes.Contains(parts[0])) return null;
        byte[] blob;
        try { blob = Convert.FromBase64String(parts[1]); }
        catch (FormatException) { return null; }
        return NamedType(blob) == parts[0] ? new SshPublicKeyLine(parts[0], blob) : null;
    }

    private static string? NamedType(byte[] blob)
    {
        if (blob.Length < 4) return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length <= 64 && blob.Length >= 4 + length + 1 ? Encoding.ASCII.GetString(blob, 4, (int)length) : null;
    }
}
