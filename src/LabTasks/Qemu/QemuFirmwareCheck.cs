using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// Checks a build's firmware folders (-L, in order): each exists, and together they hold the x86
/// ROMs a VirtLab guest boots with — an option ROM for -kernel (linuxboot_dma.bin or pvh.bin, in
/// QEMU's own data folder) and the BIOS (bios-256k.bin, which Debian ships in /usr/share/seabios).
/// </summary>
public static class QemuFirmwareCheck
{
    public static IReadOnlyList<string> KernelBootRoms { get; } = ["linuxboot_dma.bin", "pvh.bin"];
    public const string Bios = "bios-256k.bin";

    public static void Check(string build, IReadOnlyList<string> folders, string code, string fix)
    {
        foreach (var folder in folders)
        {
            if (!Path.IsPathFullyQualified(folder))
                throw new LabException(code, $"QEMU build '{build}': Firmware folder '{folder}' is not an absolute path.", fix);
            if (!Directory.Exists(folder))
                throw new LabException(code, $"QEMU build '{build}': Firmware folder {folder} does not exist.", fix, folder);
        }
        var missing = new List<string>();
        if (!folders.Any(f => KernelBootRoms.Any(rom => File.Exists(Path.Combine(f, rom)))))
            missing.Add(string.Join(" or ", KernelBootRoms));
        if (!folders.Any(f => File.Exists(Path.Combine(f, Bios))))
            missing.Add(Bios);
        if (missing.Count > 0)
            throw new LabException(code,
                $"QEMU build '{build}': no Firmware folder ({string.Join(";", folders)}) holds {string.Join(", nor ", missing)}, which QEMU needs to boot a guest here.",
                fix);
    }
}
