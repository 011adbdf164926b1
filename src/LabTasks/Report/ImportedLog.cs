using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>One imported log: where it came from, what it is, and the records made from it.</summary>
public sealed record ImportedLog(string File, string RelativePath, ImportLabels Labels, string Kind, IReadOnlyList<Record> Records);
