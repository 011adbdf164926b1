namespace VirtLab.Report;

/// <summary>A row measured by hand on another machine and imported with -p:ImportLogs.</summary>
public sealed record ImportedSysbenchRow(string Machine, string Workload, string Unit, AccelRow Row, string? ToolVersion);
