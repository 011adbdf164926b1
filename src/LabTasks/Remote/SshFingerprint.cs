using System.Security.Cryptography;

namespace VirtLab.Remote;

/// <summary>A host key's SHA-256 fingerprint exactly as OpenSSH prints it (ssh-keygen -lf): "SHA256:" and unpadded base64.</summary>
public static class SshFingerprint
{
    public static string Sha256(byte[] keyBlob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    /// <summary>Compares a pinned "SHA256:…" with a key's; padding '=' is ignored, case is not (base64 is case-sensitive).</summary>
    public static bool Matches(string pinned, byte[] keyBlob) =>
        string.Equals(pinned.Trim().TrimEnd('='), Sha256(keyBlob), StringComparison.Ordinal);
}
