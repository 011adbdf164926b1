namespace VirtLab.Qemu;

/// <summary>
/// What one device counting run's trace holds for one NIC model: emulated register accesses (MMIO
/// or port I/O) on the NIC's own memory regions, virtqueue kicks, virtio interrupt requests and
/// interrupts delivered to the guest's CPUs.
/// </summary>
public sealed record DeviceTraceCounts(long RegisterReads, long RegisterWrites, long QueueKicks, long VirtioNotifies, long Interrupts)
{
    public long RegisterAccesses => RegisterReads + RegisterWrites;
}
