namespace VirtLab.Remote;

/// <summary>A file in a host's content-addressed cache: where it is, its SHA-256, and whether it was already there.</summary>
public sealed record UploadResult(string RemotePath, string Sha256, bool Skipped);
