using System.Security.Cryptography;
using System.Text;

namespace VirtLab.Remote;

/// <summary>
/// The keys an OpenSSH known_hosts file holds for one host: lines whose host field names the
/// address (port 22) or "[address]:port", in plain or hashed ("|1|salt|hash") form. Wildcard
/// patterns and @cert-authority lines do not pin a key and are not used; a key marked @revoked
/// is never accepted.
/// </summary>
public sealed class KnownHostsFile
{
    private KnownHostsFile(IReadOnlyList<byte[]> keys, IReadOnlyList<byte[]> revoked)
    {
        Keys = keys;
        Revoked = revoked;
    }

    public IReadOnlyList<byte[]> Keys { get; }
    public IReadOnlyList<byte[]> Revoked { get; }

    public static KnownHostsFile For(string path, string address, int port)
    {
        var name = port == 22 ? address : $"[{address}]:{port}";
        var keys = new List<byte[]>();
        var revoked = new List<byte[]>();
        foreach (var raw in File.ReadLines(path))
        {
            var fields = raw.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#')) continue;
            var marker = fields[0].StartsWith('@') ? fields[0] : null;
            if (marker is not null) fields = fields[1..];
            if (fields.Length < 3 || marker == "@cert-authority") continue;
            if (!NamesHost(fields[0], name)) continue;
            if (SshPublicKeyLine.TryParse($"{fields[1]} {fields[2]}") is not { } key) continue;
            (marker == "@revoked" ? revoked : keys).Add(key.Blob);
        }
        return new KnownHostsFile(keys, revoked);
    }

    public bool Accepts(byte[] blob) =>
        Keys.Any(k => k.AsSpan().SequenceEqual(blob)) && !Revoked.Any(k => k.AsSpan().SequenceEqual(blob));

    private static bool NamesHost(string hostField, string name)
    {
        if (hostField.StartsWith("|1|", StringComparison.Ordinal))
        {
            var parts = hostField.Split('|');
            if (parts.Length != 4) return false;
            try
            {
                var hash = HMACSHA1.HashData(Convert.FromBase64String(parts[2]), Encoding.ASCII.GetBytes(name));
                return CryptographicOperations.FixedTimeEquals(hash, Convert.FromBase64String(parts[3]));
            }
            catch (FormatException) { return false; }
        }
        var patterns = hostField.Split(',');
        return patterns.Contains(name, StringComparer.OrdinalIgnoreCase) && !patterns.Contains("!" + name, StringComparer.OrdinalIgnoreCase);
    }
}
