using Microsoft.Build.Framework;
using VirtLab.Guest;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>Builds (or refreshes) the guest kernel + initramfs + keys in OutputDirectory; see <see cref="GuestImageBuilder"/>.</summary>
public sealed class BuildGuestImage : LabTask
{
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>debian (default), host or path.</summary>
    public string? KernelSource { get; set; }
    public string? KernelPackage { get; set; }
    public string? KernelPath { get; set; }
    public string? ModulesPath { get; set; }
    public string? CacheDirectory { get; set; }
    public string[] ExtraModules { get; set; } = [];

    [Output] public string Kernel { get; private set; } = "";
    [Output] public string Initramfs { get; private set; } = "";
    [Output] public string ImageHash { get; private set; } = "";
    [Output] public string KernelVersion { get; private set; } = "";
    /// <summary>The uncompressed PVH-bootable kernel (boots faster under TCG), or empty when the kernel has none.</summary>
    [Output] public string PvhKernel { get; private set; } = "";

    protected override void Run()
    {
        var options = new GuestImageOptions(OutputDirectory)
        {
            KernelSource = GuestImageOptions.ParseKernelSource(KernelSource),
            KernelPackage = Empty(KernelPackage),
            KernelPath = Empty(KernelPath),
            ModulesPath = Empty(ModulesPath),
            CacheDirectory = Empty(CacheDirectory),
            ExtraModules = ExtraModules,
        };
        var image = new GuestImageBuilder(options).Build(Cancellation);
        Kernel = image.Kernel;
        Initramfs = image.Initramfs;
        ImageHash = image.InitramfsSha256;
        KernelVersion = image.KernelVersion;
        PvhKernel = image.PvhKernel ?? "";
        Log.LogMessage(MessageImportance.High, $"Guest image: kernel {image.KernelVersion}, initramfs sha256 {image.InitramfsSha256[..12]}… in {image.OutputDirectory}");
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
