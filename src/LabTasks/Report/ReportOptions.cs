using Scriban.Runtime;

namespace VirtLab.Report;

public sealed record ReportOptions
{
    public required string Profile { get; init; }
    public required IReadOnlyList<ReportExperimentFile> RecordFiles { get; init; }
    public required string TemplateDirectory { get; init; }
    public required string MarkdownFile { get; init; }
    public required string HtmlFile { get; init; }
    public required string ChartsDirectory { get; init; }
    public string? ImportedRecordsFile { get; init; }
    public string? HostSetupDirectory { get; init; }
    public string? KvmProbeDirectory { get; init; }

    /// <summary>compare.md written for -p:CompareWith; the report ends with it.</summary>
    public string? ComparisonFile { get; init; }

    /// <summary>lab.yaml's values as the build read them ("network.hostAddress" → "10.1.1.254/24").</summary>
    public IReadOnlyDictionary<string, string> LabParameters { get; init; } = new SortedDictionary<string, string>();

    public string CpuInfoFile { get; init; } = "/proc/cpuinfo";
    public string OsReleaseFile { get; init; } = "/proc/sys/kernel/osrelease";
    public DateTimeOffset? Now { get; init; }
}
