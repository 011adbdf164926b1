namespace VirtLab.Guest;

public enum KernelSourceKind
{
    /// <summary>A Debian linux-image package fetched with apt-get download and cached.</summary>
    Debian,
    /// <summary>The running kernel: /boot/vmlinuz-$(uname -r) and /lib/modules/$(uname -r).</summary>
    Host,
    /// <summary>A kernel (and optionally a modules folder) the user points at.</summary>
    Path,
}
