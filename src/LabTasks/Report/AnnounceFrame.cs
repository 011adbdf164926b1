using VirtLab.Migration;

namespace VirtLab.Report;

/// <summary>A frame the destination sent to announce the guest's new place (RARP, or a gratuitous ARP from the guest).</summary>
public sealed record AnnounceFrame(double T, string Kind);
