namespace VirtLab.Util;

/// <summary>Every LAB code in one place; the README lists the same codes with their fixes.</summary>
public static class LabCodes
{
    public const string ConfigUnknownKey = "LAB0001";
    public const string ConfigBadValue = "LAB0002";
    public const string ConfigUnreadable = "LAB0003";
    public const string MissingTool = "LAB0010";
    public const string NotRoot = "LAB0011";
    public const string KernelFetch = "LAB0020";
    public const string GuestImage = "LAB0021";
    public const string LabNetwork = "LAB0030";
    public const string GuestBoot = "LAB0040";
    public const string HostKeyMismatch = "LAB0041";
    public const string KvmUnavailable = "LAB0042";
    public const string Qmp = "LAB0043";
    public const string IntegrityFailed = "LAB0044";
    public const string Benchmark = "LAB0050";
    public const string BenchmarkOutput = "LAB0051";
    public const string Results = "LAB0060";
    public const string Template = "LAB0070";
    public const string Cancelled = "LAB0090";
}
