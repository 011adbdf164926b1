using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using VirtLab.Util;

namespace VirtLab.Qemu;

/// <summary>
/// A declared QemuBuild item, checked: its name (a path part), its Kind and the metadata that kind
/// takes. <c>distro</c>: the installed QEMU. <c>path</c>: Program, optional Firmware (';'-separated
/// folders) and Modules. <c>debian-backports</c>: optional Version (an exact Debian version).
/// </summary>
public sealed partial record QemuBuildDeclaration(string Name, string Kind, string? Program = null,
    IReadOnlyList<string>? Firmware = null, string? Modules = null, string? Version = null)
{
    public const string DistroKind = "distro";
    public const string PathKind = "path";
    public const string BackportsKind = "debian-backports";
    public static IReadOnlyList<string> Kinds { get; } = [DistroKind, PathKind, BackportsKind];

    public IReadOnlyList<string> FirmwareDirectories => Firmware ?? [];

    /// <summary>
    /// Checks and reads an item: LAB0006 for a name that cannot be a path part, LAB0013 for an
    /// unknown kind (or a name that implies none) and for metadata its kind does not take.
    /// </summary>
    public static QemuBuildDeclaration From(ITaskItem item) =>
        Create(item.ItemSpec, Meta(item, "Kind"), Meta(item, "Program"), Meta(item, "Firmware"), Meta(item, "Modules"), Meta(item, "Version"));

    public static QemuBuildDeclaration Create(string name, string? kind = null, string? program = null, string? firmware = null,
        string? modules = null, string? version = null)
    {
        CheckName(name);
        kind = string.IsNullOrWhiteSpace(kind) ? DefaultKind(name) : kind.Trim();
        if (!Kinds.Contains(kind))
            throw new LabException(LabCodes.QemuBuild, $"QEMU build '{name}' has Kind=\"{kind}\", which VirtLab does not know.",
                $"use Kind=\"distro\", \"path\" or \"debian-backports\" on <QemuBuild Include=\"{name}\" />.");
        var folders = firmware?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var declaration = new QemuBuildDeclaration(name, kind, program, folders, modules, version);
        declaration.CheckMetadataFitsKind();
        return declaration;
    }

    /// <summary>Build names become parts of file names (stamps, labels): [a-z0-9][a-z0-9-]*.</summary>
    public static void CheckName(string name)
    {
        if (!BuildName().IsMatch(name))
            throw new LabException(LabCodes.NameNotAPathPart, $"QEMU build name '{name}' cannot be part of a path.",
                "name the QemuBuild item with lower-case letters, digits and '-', starting with a letter or digit (e.g. Include=\"qemu-10\").");
    }

    private static string DefaultKind(string name) => name switch
    {
        DistroKind => DistroKind,
        BackportsKind => BackportsKind,
        _ => throw new LabException(LabCodes.QemuBuild, $"QEMU build '{name}' has no Kind, and its name is not one VirtLab knows (distro, debian-backports).",
            $"add Kind=\"path\" with Program=\"/…/qemu-system-x86_64\" (or Kind=\"distro\" / \"debian-backports\") to <QemuBuild Include=\"{name}\" />."),
    };

    private void CheckMetadataFitsKind()
    {
        var given = new List<string>();
        if (Program is not null && Kind != PathKind) given.Add("Program");
        if (FirmwareDirectories.Count > 0 && Kind != PathKind) given.Add("Firmware");
        if (Modules is not null && Kind != PathKind) given.Add("Modules");
        if (Version is not null && Kind != BackportsKind) given.Add("Version");
        if (given.Count > 0)
            throw new LabException(LabCodes.QemuBuild, $"QEMU build '{Name}' (Kind=\"{Kind}\") has {string.Join(", ", given)}, which Kind=\"{Kind}\" does not take.",
                $"remove {string.Join(", ", given)} from <QemuBuild Include=\"{Name}\" />, or use Kind=\"path\" (Program, Firmware, Modules) or \"debian-backports\" (Version).");
        if (Kind == PathKind && Program is null)
            throw new LabException(LabCodes.QemuBuild, $"QEMU build '{Name}' is Kind=\"path\" but has no Program.",
                $"add Program=\"/absolute/path/to/qemu-system-x86_64\" to <QemuBuild Include=\"{Name}\" />.");
        if (Version is not null && !DebianVersion.IsValid(Version))
            throw new LabException(LabCodes.QemuBuild, $"QEMU build '{Name}' has Version=\"{Version}\", which is not a Debian version.",
                "give the exact version apt shows (apt-cache madison qemu-system-x86), e.g. Version=\"1:10.0.2+ds-2+deb13u1~bpo12+1\", or no Version for the newest.");
    }

    private static string? Meta(ITaskItem item, string name) => item.GetMetadata(name) is { Length: > 0 } v && v.Trim().Length > 0 ? v.Trim() : null;

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]*\z")]
    private static partial Regex BuildName();
}
