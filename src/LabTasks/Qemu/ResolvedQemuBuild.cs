namespace VirtLab.Qemu;

/// <summary>Where a resolved build came from, for the build log.</summary>
public enum QemuBuildOrigin
{
    /// <summary>The system's installed QEMU (Kind=distro).</summary>
    Installed,
    /// <summary>A binary named by the item (Kind=path).</summary>
    Declared,
    /// <summary>A build fetched before, from the cache.</summary>
    Cache,
    /// <summary>Fetched from the Debian mirror by this resolve.</summary>
    Fetched,
}

/// <summary>A QemuBuild resolved into a runnable binary: the <see cref="QemuBinary"/> guests start, its SHA-256 and where it came from.</summary>
public sealed record ResolvedQemuBuild(QemuBinary Binary, string Kind, string Sha256, string? DebianVersion, QemuBuildOrigin Origin, TimeSpan Elapsed)
{
    /// <summary>The first 16 hex digits of the binary's SHA-256: enough to tell builds apart in a stamp.</summary>
    public string ShortSha256 => Sha256[..16];

    /// <summary>"10.0.2 at /…/qemu-system-x86_64, fetched in 1.2 s" — for the build log.</summary>
    public string Describe() =>
        $"{Binary.Version} at {Binary.Program}" + Origin switch
        {
            QemuBuildOrigin.Fetched => $", fetched in {Elapsed.TotalSeconds:0.0} s",
            QemuBuildOrigin.Cache => ", from the cache",
            QemuBuildOrigin.Installed => " (installed)",
            _ => "",
        };
}
