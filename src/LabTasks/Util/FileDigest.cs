using System.Security.Cryptography;

namespace VirtLab.Util;

/// <summary>A file's content hash: what stamps, manifests and content-addressed caches key on.</summary>
public static class FileDigest
{
    /// <summary>The file's SHA-256, 64 lower-case hex digits.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
