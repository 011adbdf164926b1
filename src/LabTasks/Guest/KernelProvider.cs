using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>Finds the kernel for <see cref="GuestImageOptions"/>: a cached Debian package, the host's own kernel, or given paths.</summary>
public static class KernelProvider
{
    public static KernelFiles Resolve(GuestImageOptions options, CancellationToken cancellationToken = default) =>
        options.KernelSource switch
        {
            KernelSourceKind.Debian => new DebianKernelCache(options.CacheDirectory ?? GuestImageOptions.DefaultCacheDirectory)
                .Fetch(options.KernelPackage ?? GuestImageOptions.DefaultKernelPackage, cancellationToken),
            KernelSourceKind.Host => FromHost(),
            KernelSourceKind.Path => FromPath(options.KernelPath, options.ModulesPath),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.KernelSource, null),
        };

    public static KernelFiles FromHost(string root = "/")
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var vmlinuz = Path.Combine(root, "boot", $"vmlinuz-{release}");
        var modules = Path.Combine(root, "lib", "modules", release);
        const string fix = "use KernelSource=debian (the default; fetches a Debian kernel package) or KernelSource=path with KernelPath=/path/to/vmlinuz";
        if (!File.Exists(vmlinuz))
            throw new LabException(LabCodes.KernelFetch,
                $"KernelSource=host, but the running kernel's image {vmlinuz} does not exist (containers and many VMs boot from a kernel outside this filesystem).", fix);
        if (!CanRead(vmlinuz))
            throw new LabException(LabCodes.KernelFetch, $"KernelSource=host, but {vmlinuz} is not readable by this user.",
                $"run the build as root, or {fix}");
        if (!Directory.Exists(modules))
            throw new LabException(LabCodes.KernelFetch, $"KernelSource=host, but the running kernel's modules folder {modules} does not exist.", fix);
        return new KernelFiles(vmlinuz, modules, release, KernelSourceKind.Host);
    }

    public static KernelFiles FromPath(string? kernelPath, string? modulesPath)
    {
        if (string.IsNullOrWhiteSpace(kernelPath))
            throw new LabException(LabCodes.KernelFetch, "KernelSource=path needs KernelPath (a bzImage such as /boot/vmlinuz-VERSION).",
                "set KernelPath, or use KernelSource=debian");
        if (!File.Exists(kernelPath))
            throw new LabException(LabCodes.KernelFetch, $"KernelPath {kernelPath} does not exist.", "point KernelPath at a kernel image (bzImage)");
        if (modulesPath is not null && !Directory.Exists(modulesPath))
            throw new LabException(LabCodes.KernelFetch, $"ModulesPath {modulesPath} does not exist.",
                "point ModulesPath at the kernel's /lib/modules/VERSION folder, or leave it empty when the NIC drivers are built in");
        var version = BzImage.ReadVersion(kernelPath)
            ?? (modulesPath is not null ? Path.GetFileName(Path.TrimEndingDirectorySeparator(modulesPath)) : null)
            ?? throw new LabException(LabCodes.KernelFetch, $"{kernelPath} is not an x86 bzImage (no setup header).",
                "use a kernel image built for x86_64 (arch/x86/boot/bzImage)");
        return new KernelFiles(kernelPath, modulesPath, version, KernelSourceKind.Path);
    }

    /// <summary>The text of modules.dep (and modules.builtin) for a modules folder; generated with depmod -n when missing.</summary>
    public static ModuleDependencies ReadModuleDependencies(string modulesDirectory, string version, CancellationToken cancellationToken = default)
    {
        var depFile = Path.Combine(modulesDirectory, "modules.dep");
        var builtinFile = Path.Combine(modulesDirectory, "modules.builtin");
        var builtin = File.Exists(builtinFile) ? File.ReadAllText(builtinFile) : null;
        if (File.Exists(depFile)) return ModuleDependencies.Parse(File.ReadAllText(depFile), builtin);

        // depmod wants BASE/lib/modules/VERSION; give it a symlink so the user's folder is never written to.
        var baseDir = Directory.CreateTempSubdirectory("virtlab-depmod-");
        try
        {
            Directory.CreateDirectory(Path.Combine(baseDir.FullName, "lib", "modules"));
            Directory.CreateSymbolicLink(Path.Combine(baseDir.FullName, "lib", "modules", version), Path.GetFullPath(modulesDirectory));
            var result = ProcessRunner.Run("depmod", ["-n", "-b", baseDir.FullName, version], TimeSpan.FromMinutes(2), cancellationToken);
            if (!result.Succeeded)
                throw new LabException(LabCodes.KernelFetch, $"{modulesDirectory} has no modules.dep and depmod failed: {ProcessRunner.Tail(result.StandardError)}",
                    "generate it with depmod -b ROOT VERSION");
            // depmod -n prints modules.dep first, then the other files, each introduced by a '#' comment.
            var depText = string.Join('\n', result.StandardOutput.Split('\n').TakeWhile(l => !l.StartsWith('#')));
            return ModuleDependencies.Parse(depText, builtin);
        }
        finally
        {
            baseDir.Delete(recursive: true);
        }
    }

    private static bool CanRead(string path)
    {
        try
        {
            using var _ = File.OpenRead(path);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
