using System.Text.Json;
using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>
/// Builds the guest for QEMU direct kernel boot. Output layout (other code relies on it):
/// OUT/vmlinuz, OUT/initramfs.cpio.gz, OUT/keys/{id_ed25519,id_ed25519.pub,guest_host_ed25519,guest_host_ed25519.pub}, OUT/image.json,
/// and, when the kernel supports it, OUT/vmlinux: the same kernel uncompressed with a PVH entry, which
/// QEMU boots ~2.5 s faster under TCG (-kernel OUT/vmlinux). OUT is 0700 and the initramfs 0600: it
/// holds the guest's SSH host private key.
/// </summary>
public sealed class GuestImageBuilder(GuestImageOptions options)
{
    public const string KernelFile = "vmlinuz";
    public const string PvhKernelFile = "vmlinux";
    public const string InitramfsFile = "initramfs.cpio.gz";
    public const string ManifestFile = "image.json";
    public const string KeysFolder = "keys";

    public GuestImageOptions Options { get; } = options;

    public GuestImage Build(CancellationToken cancellationToken = default)
    {
        var output = Path.GetFullPath(Options.OutputDirectory);
        Directory.CreateDirectory(output);
        GuestKeys.Protect(output, GuestKeys.PrivateDirectory);
        var keys = GuestKeys.Ensure(Path.Combine(output, KeysFolder), cancellationToken);
        var kernel = KernelProvider.Resolve(Options, cancellationToken);

        var content = new InitramfsContent();
        GuestRootfs.AddBase(content);
        var modules = AddModules(content, kernel, cancellationToken);
        var busybox = HostTools.Find("busybox");
        GuestRootfs.AddBusybox(content, busybox, cancellationToken);
        var toolPaths = ToolRegistry.InGuest.ToDictionary(t => t.Name, t => HostTools.Find(t.Name));
        foreach (var path in toolPaths.Values) GuestRootfs.AddHostBinary(content, path, cancellationToken: cancellationToken);
        GuestRootfs.AddAccounts(content, keys.ClientPublicKeyLine, keys.HostPrivateKey);

        var initramfs = Path.Combine(output, InitramfsFile);
        var initramfsSha = content.WriteGzip(initramfs, GuestKeys.PrivateFile); // holds the guest's SSH host private key
        var vmlinuz = Path.Combine(output, KernelFile);
        AtomicFile.Copy(kernel.Vmlinuz, vmlinuz, GuestKeys.PublicFile);
        var kernelSha = FileDigest.Sha256(vmlinuz);
        var pvhKernel = Path.Combine(output, PvhKernelFile);
        string? pvhSha = null;
        if (BzImage.TryExtractPvhKernel(vmlinuz, pvhKernel, cancellationToken)) pvhSha = FileDigest.Sha256(pvhKernel);
        else if (File.Exists(pvhKernel)) File.Delete(pvhKernel); // from an earlier kernel: never boot a mismatched one

        var tools = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["busybox"] = HostTools.Version("busybox", busybox, cancellationToken) };
        foreach (var (name, path) in toolPaths) tools[name] = HostTools.Version(name, path, cancellationToken);
        var manifest = new ImageManifest
        {
            KernelVersion = kernel.Version,
            KernelPackage = kernel.Package,
            KernelPackageVersion = kernel.PackageVersion,
            KernelSource = kernel.Source.ToString().ToLowerInvariant(),
            KernelSha256 = kernelSha,
            PvhKernelSha256 = pvhSha,
            InitramfsSha256 = initramfsSha,
            Modules = modules.Select(ModuleDependencies.NameOf).ToList(),
            Tools = tools,
            BuildTime = DateTimeOffset.UtcNow,
        };
        AtomicFile.WriteAllText(Path.Combine(output, ManifestFile), manifest.ToJson(), GuestKeys.PublicFile);
        return ToImage(output, manifest, keys);
    }

    /// <summary>The image already built in <paramref name="outputDirectory"/>, from its image.json.</summary>
    public static GuestImage Load(string outputDirectory)
    {
        var output = Path.GetFullPath(outputDirectory);
        var manifestPath = Path.Combine(output, ManifestFile);
        const string fix = "build the guest image first (the BuildGuestImage target)";
        if (!File.Exists(manifestPath))
            throw new LabException(LabCodes.GuestImage, $"No guest image in {output} (image.json is missing).", fix, manifestPath);
        ImageManifest manifest;
        try
        {
            manifest = ImageManifest.FromJson(File.ReadAllText(manifestPath));
        }
        catch (JsonException e)
        {
            throw new LabException(LabCodes.GuestImage, $"image.json is not valid: {e.Message}", fix, manifestPath);
        }
        var keysDir = Path.Combine(output, KeysFolder);
        var keys = new GuestKeyFiles(keysDir, Path.Combine(keysDir, "id_ed25519"), Path.Combine(keysDir, "id_ed25519.pub"),
            Path.Combine(keysDir, "guest_host_ed25519"), Path.Combine(keysDir, "guest_host_ed25519.pub"));
        foreach (var required in new[] { Path.Combine(output, KernelFile), Path.Combine(output, InitramfsFile), keys.ClientPrivateKey, keys.HostPublicKeyFile })
            if (!File.Exists(required))
                throw new LabException(LabCodes.GuestImage, $"The guest image in {output} is incomplete: {required} is missing.", fix, required);
        // An image built before the key-holding files were private is up to date by its inputs: close it here.
        GuestKeys.Protect(output, GuestKeys.PrivateDirectory);
        GuestKeys.Protect(Path.Combine(output, InitramfsFile), GuestKeys.PrivateFile);
        GuestKeys.Protect(keysDir, GuestKeys.PrivateDirectory);
        GuestKeys.Protect(keys.ClientPrivateKey, GuestKeys.PrivateFile);
        if (File.Exists(keys.HostPrivateKey)) GuestKeys.Protect(keys.HostPrivateKey, GuestKeys.PrivateFile);
        return ToImage(output, manifest, keys);
    }

    private IReadOnlyList<string> AddModules(InitramfsContent content, KernelFiles kernel, CancellationToken cancellationToken)
    {
        var wanted = GuestImageOptions.DefaultModules.Concat(Options.ExtraModules).ToList();
        if (kernel.ModulesDirectory is null)
        {
            if (Options.ExtraModules.Count > 0)
                throw new LabException(LabCodes.GuestImage, $"ExtraModules ({string.Join(", ", Options.ExtraModules)}) need the kernel's modules folder.",
                    "set ModulesPath to the kernel's /lib/modules/VERSION folder");
            // A kernel given without modules must have its NIC drivers built in; init then simply finds the NICs.
            content.AddText(GuestRootfs.ModuleListPath, "");
            return [];
        }
        var graph = KernelProvider.ReadModuleDependencies(kernel.ModulesDirectory, kernel.Version, cancellationToken);
        var order = graph.LoadOrder(wanted);
        GuestRootfs.AddModules(content, kernel.ModulesDirectory, kernel.Version, order, cancellationToken);
        return order;
    }

    private static GuestImage ToImage(string output, ImageManifest manifest, GuestKeyFiles keys)
    {
        var pvhKernel = Path.Combine(output, PvhKernelFile);
        return new GuestImage(
            OutputDirectory: output,
            Kernel: Path.Combine(output, KernelFile),
            Initramfs: Path.Combine(output, InitramfsFile),
            PvhKernel: manifest.PvhKernelSha256 is not null && File.Exists(pvhKernel) ? pvhKernel : null,
            KeysDirectory: keys.Directory,
            ClientPrivateKey: keys.ClientPrivateKey,
            HostPublicKeyFile: keys.HostPublicKeyFile,
            HostPublicKey: keys.HostPublicKey,
            KernelVersion: manifest.KernelVersion,
            KernelSha256: manifest.KernelSha256,
            InitramfsSha256: manifest.InitramfsSha256,
            ManifestPath: Path.Combine(output, ManifestFile));
    }
}
