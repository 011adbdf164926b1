namespace VirtLab.Report;

/// <summary>
/// What one NIC model cost QEMU in one direction: cores its vCPU and main loop threads kept busy
/// (medians over the repeats), and per packet of the device counting run the NIC's register
/// accesses, virtqueue kicks and interrupts. Null where the records do not have it.
/// </summary>
public sealed record DeviceCostRow(
    string Nic,
    string Direction,
    double? ThroughputMedian,
    double? VcpuCores,
    double? MainCores,
    double? OtherCores,
    double? RegisterAccessesPerPacket,
    double? KicksPerPacket,
    double? InterruptsPerPacket,
    double? Packets,
    double? BytesPerPacket);
