namespace VirtLab.Util;

/// <summary>
/// Every LAB code the build can raise, in one place — the tasks' and the targets' (the targets
/// write theirs as literals; they are listed here too). docs/lab-codes.md explains each under a
/// heading of its own, which <see cref="DocumentationFor"/> links to.
/// </summary>
public static class LabCodes
{
    public const string ConfigUnknownKey = "LAB0001";
    public const string ConfigBadValue = "LAB0002";
    public const string ConfigUnreadable = "LAB0003";
    /// <summary>Raised by the targets: the build's evaluation has not seen lab.yaml (no restore, or lab.yaml changed since).</summary>
    public const string LabNotLoaded = "LAB0004";
    /// <summary>Raised by VirtLab.Report.targets: -p:Experiments names an experiment hw1.proj does not build.</summary>
    public const string UnknownExperiment = "LAB0005";
    /// <summary>Raised by VirtLab.targets (VirtLabValidateNames): a Profile, Experiment or item name cannot be part of a path.</summary>
    public const string NameNotAPathPart = "LAB0006";
    public const string MissingTool = "LAB0010";
    public const string NotRoot = "LAB0011";
    /// <summary>Another build held the host lock (one measurement at a time per host) past the bound.</summary>
    public const string HostBusy = "LAB0012";
    /// <summary>A QemuBuild item VirtLab cannot use: unknown name or kind, no binary, no firmware.</summary>
    public const string QemuBuild = "LAB0013";
    public const string KernelFetch = "LAB0020";
    public const string GuestImage = "LAB0021";
    /// <summary>A QEMU build could not be fetched (package not served, no network); nothing half-fetched is kept.</summary>
    public const string QemuFetch = "LAB0022";
    public const string LabNetwork = "LAB0030";
    /// <summary>A warning: an orphan lab could not be reaped; it is skipped, the build goes on.</summary>
    public const string OrphanNotReaped = "LAB0031";
    public const string GuestBoot = "LAB0040";
    public const string HostKeyMismatch = "LAB0041";
    public const string KvmUnavailable = "LAB0042";
    public const string Qmp = "LAB0043";
    public const string IntegrityFailed = "LAB0044";
    public const string MigrationFault = "LAB0045";
    /// <summary>A warning: a completed migration's times are out of order (elapsed ≥ QEMU's total ≥ downtime does not hold).</summary>
    public const string MigrationTimesOutOfOrder = "LAB0046";
    /// <summary>A lab.yaml host could not be reached, refused VirtLab's key, or failed a command or an upload over SSH.</summary>
    public const string RemoteHost = "LAB0047";
    public const string Benchmark = "LAB0050";
    public const string BenchmarkOutput = "LAB0051";
    /// <summary>-p:ImportLogs: an entry of the folder is not a regular file inside it, or is larger than a log can be.</summary>
    public const string ImportRefused = "LAB0052";
    public const string Results = "LAB0060";
    public const string Template = "LAB0070";
    public const string Cancelled = "LAB0090";
    /// <summary>An exception no VirtLab code anticipated; its details are in obj/virtlab/errors/.</summary>
    public const string UnexpectedFailure = "LAB0099";

    public const string DocumentationPage = "docs/lab-codes.md";

    /// <summary>Where a code is explained: docs/lab-codes.md#lab0044.</summary>
    public static string DocumentationFor(string code) => $"{DocumentationPage}#{code.ToLowerInvariant()}";

    public static IReadOnlyList<string> All { get; } = typeof(LabCodes).GetFields()
        .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name != nameof(DocumentationPage))
        .Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();
}
