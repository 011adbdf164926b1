namespace VirtLab.Report;

/// <summary>virtio-net against one emulated NIC in one direction: each percentile and the emulated one's multiple of virtio-net's.</summary>
public sealed record LatencyComparison(
    string Direction,
    string Emulated,
    double VirtioP50,
    double OtherP50,
    double OtherOverVirtioP50,
    double? VirtioP99,
    double? OtherP99,
    double? OtherOverVirtioP99,
    double? VirtioP999,
    double? OtherP999,
    double? OtherOverVirtioP999)
{
    public bool VirtioLower => VirtioP50 < OtherP50;
}
