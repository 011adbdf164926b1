namespace VirtLab.Report;

public sealed record KeyValue(string Key, string Value);
