namespace VirtLab.Util;

/// <summary>Maps a program to the Debian package that provides it, for LAB0010 messages.</summary>
public static class ToolInstallHint
{
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["qemu-system-x86_64"] = "qemu-system-x86",
        ["sysbench"] = "sysbench",
        ["iperf"] = "iperf",
        ["iperf3"] = "iperf3",
        ["stress-ng"] = "stress-ng",
        ["dropbear"] = "dropbear-bin",
        ["dropbearkey"] = "dropbear-bin",
        ["busybox"] = "busybox-static",
        ["ssh-keygen"] = "openssh-client",
        ["ip"] = "iproute2",
        ["bridge"] = "iproute2",
        ["cpio"] = "cpio",
        ["dpkg-deb"] = "dpkg",
        ["apt-get"] = "apt",
        ["ldd"] = "libc-bin",
        ["tcpdump"] = "tcpdump",
        ["chromium"] = "chromium",
    };

    public static string PackageFor(string program) =>
        Packages.TryGetValue(Path.GetFileName(program), out var p) ? p : Path.GetFileName(program);

    public static string For(string program) =>
        $"apt-get install -y {PackageFor(program)} (or run ./install-deps.sh, which installs everything VirtLab uses)";
}
