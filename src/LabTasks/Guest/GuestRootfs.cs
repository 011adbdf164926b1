using System.IO.Compression;
using System.Reflection;
using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>Fills an <see cref="InitramfsContent"/> with the guest's userland, modules, keys and init.</summary>
public static class GuestRootfs
{
    public const string ModuleListPath = "etc/virtlab/modules";
    public const string HostKeyPath = "etc/dropbear/dropbear_ed25519_host_key";

    /// <summary>Skeleton folders, /dev/console (init's first stdio, before devtmpfs) and the embedded /init.</summary>
    public static void AddBase(InitramfsContent content)
    {
        foreach (var dir in new[] { "bin", "sbin", "usr/bin", "usr/sbin", "lib", "lib64", "proc", "sys", "dev", "run", "var", "etc" })
            content.AddDirectory(dir);
        content.AddDirectory("tmp", (UnixFileMode)0x3FF /* 1777 */);
        content.AddSymlink("var/run", "../run");
        content.AddCharDevice("dev/console", CpioNewcWriter.Mode600, 5, 1);
        content.AddFile("init", InitScript(), CpioNewcWriter.Mode755);
    }

    public static byte[] InitScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("VirtLab.Guest.init.sh")
            ?? throw new InvalidOperationException("The embedded resource VirtLab.Guest.init.sh is missing.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>Static busybox at /bin/busybox with a /bin symlink for each applet it lists.</summary>
    public static void AddBusybox(InitramfsContent content, string busybox, CancellationToken cancellationToken = default)
    {
        AddHostBinary(content, busybox, "bin/busybox", cancellationToken);
        var list = ProcessRunner.RunChecked(LabCodes.GuestImage, busybox, ["--list"], TimeSpan.FromSeconds(30), cancellationToken);
        foreach (var applet in list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (applet != "busybox" && !applet.Contains('/') && !content.Contains("bin/" + applet))
                content.AddSymlink("bin/" + applet, "busybox");
    }

    /// <summary>A host program at <paramref name="guestPath"/> (default: its host path) plus its loader and libraries at their host paths.</summary>
    public static void AddHostBinary(InitramfsContent content, string hostPath, string? guestPath = null, CancellationToken cancellationToken = default)
    {
        content.AddHostFile(guestPath ?? hostPath, hostPath, CpioNewcWriter.Mode755);
        foreach (var library in SharedLibraries.Of(hostPath, cancellationToken))
            content.AddHostFile(library, library, CpioNewcWriter.Mode755);
    }

    /// <summary>
    /// Modules at /lib/modules/VERSION/RELPATH, decompressed (.ko.xz/.ko.zst/.ko.gz → .ko) so any
    /// insmod loads them, and the load order as /etc/virtlab/modules for init.
    /// </summary>
    public static IReadOnlyList<string> AddModules(InitramfsContent content, string modulesDirectory, string kernelVersion,
        IReadOnlyList<string> loadOrder, CancellationToken cancellationToken = default)
    {
        var guestPaths = new List<string>();
        foreach (var relative in loadOrder)
        {
            var guestPath = $"/lib/modules/{kernelVersion}/{StripCompression(relative)}";
            content.AddFile(guestPath, ReadModule(Path.Combine(modulesDirectory, relative), cancellationToken));
            guestPaths.Add(guestPath);
        }
        content.AddText(ModuleListPath, string.Concat(guestPaths.Select(p => p + "\n")));
        return guestPaths;
    }

    public static string StripCompression(string modulePath)
    {
        foreach (var suffix in new[] { ".xz", ".zst", ".gz" })
            if (modulePath.EndsWith(".ko" + suffix, StringComparison.Ordinal)) return modulePath[..^suffix.Length];
        return modulePath;
    }

    public static byte[] ReadModule(string path, CancellationToken cancellationToken = default)
    {
        if (path.EndsWith(".ko", StringComparison.Ordinal)) return File.ReadAllBytes(path);
        if (path.EndsWith(".ko.gz", StringComparison.Ordinal))
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var memory = new MemoryStream();
            gzip.CopyTo(memory);
            return memory.ToArray();
        }
        // xz and zstd have no decoder in .NET: decompress a copy with the command-line tool.
        var temp = Directory.CreateTempSubdirectory("virtlab-ko-");
        try
        {
            var output = Path.Combine(temp.FullName, "module.ko");
            if (path.EndsWith(".ko.xz", StringComparison.Ordinal))
            {
                File.Copy(path, output + ".xz");
                ProcessRunner.RunChecked(LabCodes.GuestImage, "xz", ["-d", "-q", output + ".xz"], TimeSpan.FromMinutes(1), cancellationToken);
            }
            else if (path.EndsWith(".ko.zst", StringComparison.Ordinal))
                ProcessRunner.RunChecked(LabCodes.GuestImage, "zstd", ["-d", "-q", path, "-o", output], TimeSpan.FromMinutes(1), cancellationToken);
            else
                throw new LabException(LabCodes.GuestImage, $"{path} is not a kernel module (.ko, .ko.xz, .ko.zst, .ko.gz).");
            return File.ReadAllBytes(output);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>root's account, SSH trust (authorized key, pinned host key) and name resolution basics.</summary>
    public static void AddAccounts(InitramfsContent content, string clientPublicKeyLine, string hostPrivateKey)
    {
        content.AddText("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
        content.AddText("etc/group", "root:x:0:\ntty:x:5:\n");
        // dropbear refuses a login shell that is not listed here.
        content.AddText("etc/shells", "/bin/sh\n");
        content.AddText("etc/hosts", "127.0.0.1 localhost\n");
        content.AddText("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\n");
        content.AddDirectory("root", CpioNewcWriter.Mode700);
        content.AddDirectory("root/.ssh", CpioNewcWriter.Mode700);
        content.AddText("root/.ssh/authorized_keys", clientPublicKeyLine.Trim() + "\n", CpioNewcWriter.Mode600);
        content.AddDirectory("etc/dropbear", CpioNewcWriter.Mode700);
        content.AddFile(HostKeyPath, File.ReadAllBytes(hostPrivateKey), CpioNewcWriter.Mode600);
    }
}
