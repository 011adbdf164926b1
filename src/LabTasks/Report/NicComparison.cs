namespace VirtLab.Report;

/// <summary>virtio-net against one emulated NIC in one direction.</summary>
public sealed record NicComparison(string Direction, string Emulated, double Virtio, double Other, double VirtioOverOther);
