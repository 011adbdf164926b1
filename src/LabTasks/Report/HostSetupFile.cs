namespace VirtLab.Report;

/// <summary>One artifact of results/host-setup/, shown verbatim in a code block.</summary>
public sealed record HostSetupFile(string Name, string Title, string Language, string Content, string Link, bool Truncated);
