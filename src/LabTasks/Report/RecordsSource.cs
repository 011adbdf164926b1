namespace VirtLab.Report;

/// <summary>One records file the report read, with links relative to the report.</summary>
public sealed record RecordsSource(string Experiment, string Link, string? CsvLink, string? RawLink, int Count, bool Exists);
