namespace VirtLab.Migration;

/// <summary>One RARP or ARP frame seen on br0, on the migration timeline.</summary>
public sealed record AnnounceFrame(double T, string SourceMac, string Kind, bool Gratuitous, string Text);
