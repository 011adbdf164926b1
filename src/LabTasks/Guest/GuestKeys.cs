using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>
/// The lab's SSH keys in a 0700 folder: the client's key pair (OpenSSH format, for SSH.NET) and the
/// guest's dropbear host key with its public line for pinning. Made once; rebuilds keep them.
/// </summary>
public static class GuestKeys
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PublicFile = PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static GuestKeyFiles Ensure(string directory, CancellationToken cancellationToken = default)
    {
        var dir = Path.GetFullPath(directory);
        Directory.CreateDirectory(dir);
        SetMode(dir, PrivateDirectory);
        var keys = new GuestKeyFiles(dir,
            Path.Combine(dir, "id_ed25519"), Path.Combine(dir, "id_ed25519.pub"),
            Path.Combine(dir, "guest_host_ed25519"), Path.Combine(dir, "guest_host_ed25519.pub"));
        EnsureClientKey(keys, cancellationToken);
        EnsureHostKey(keys, cancellationToken);
        return keys;
    }

    private static void EnsureClientKey(GuestKeyFiles keys, CancellationToken cancellationToken)
    {
        if (!File.Exists(keys.ClientPrivateKey))
        {
            // ssh-keygen refuses to overwrite; generate under a fresh name, then rename into place.
            var temp = AtomicFile.TempNameFor(keys.ClientPrivateKey);
            try
            {
                Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "virtlab", "-f", temp], cancellationToken);
                SetMode(temp, PrivateFile);
                File.Move(temp + ".pub", keys.ClientPublicKey, overwrite: true);
                File.Move(temp, keys.ClientPrivateKey);
            }
            finally
            {
                foreach (var f in new[] { temp, temp + ".pub" }) if (File.Exists(f)) File.Delete(f);
            }
        }
        SetMode(keys.ClientPrivateKey, PrivateFile);
        if (!File.Exists(keys.ClientPublicKey))
        {
            var pub = Run("ssh-keygen", ["-y", "-f", keys.ClientPrivateKey], cancellationToken).StandardOutput.Trim();
            AtomicFile.WriteAllText(keys.ClientPublicKey, pub + "\n", PublicFile); // ssh-keygen -y keeps the comment
        }
    }

    private static void EnsureHostKey(GuestKeyFiles keys, CancellationToken cancellationToken)
    {
        if (!File.Exists(keys.HostPrivateKey))
        {
            var temp = AtomicFile.TempNameFor(keys.HostPrivateKey);
            try
            {
                Run("dropbearkey", ["-t", "ed25519", "-f", temp], cancellationToken);
                SetMode(temp, PrivateFile);
                File.Move(temp, keys.HostPrivateKey);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            if (File.Exists(keys.HostPublicKeyFile)) File.Delete(keys.HostPublicKeyFile); // belongs to the lost key
        }
        SetMode(keys.HostPrivateKey, PrivateFile);
        if (!File.Exists(keys.HostPublicKeyFile))
        {
            var output = Run("dropbearkey", ["-y", "-f", keys.HostPrivateKey], cancellationToken).StandardOutput;
            AtomicFile.WriteAllText(keys.HostPublicKeyFile, ParseDropbearPublicKey(output) + "\n", PublicFile);
        }
    }

    /// <summary>
    /// dropbearkey -y prints "Public key portion is:", then "ssh-ed25519 AAAA… user@host", then a
    /// fingerprint; returns "ssh-ed25519 AAAA…" without the comment.
    /// </summary>
    public static string ParseDropbearPublicKey(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("ssh-", StringComparison.Ordinal))
            ?? throw new LabException(LabCodes.GuestImage, $"dropbearkey -y printed no public key: {ProcessRunner.Tail(output)}");
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) throw new LabException(LabCodes.GuestImage, $"Unexpected dropbearkey public key line '{line}'.");
        return $"{parts[0]} {parts[1]}";
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
    }

    /// <summary>Sets <paramref name="mode"/> on a file or folder holding key material when it allows more (group or others).</summary>
    public static void Protect(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) return;
        if ((File.GetUnixFileMode(path) & ~mode) != 0) File.SetUnixFileMode(path, mode);
    }

    private static ProcessResult Run(string program, string[] args, CancellationToken cancellationToken) =>
        ProcessRunner.RunChecked(LabCodes.GuestImage, program, args, TimeSpan.FromMinutes(1), cancellationToken);
}
