namespace VirtLab.Qemu;

/// <summary>The QEMU trace events a device counting run enables (names as `qemu-system-x86_64 -trace help` lists them, QEMU 7.2).</summary>
public static class DeviceTraceEvents
{
    /// <summary>An emulated MMIO or port-I/O access to a MemoryRegion; the line ends with name '&lt;region&gt;'.</summary>
    public const string RegionRead = "memory_region_ops_read";
    public const string RegionWrite = "memory_region_ops_write";
    /// <summary>The device model handles a virtqueue notification (a kick) from the guest's driver.</summary>
    public const string QueueNotify = "virtio_queue_notify";
    /// <summary>A virtio device decided to interrupt the guest (after event-idx suppression).</summary>
    public const string VirtioNotify = "virtio_notify";
    /// <summary>
    /// An interrupt delivered to the guest's local APIC — an MSI, or an IO-APIC pin turned into one:
    /// every model's NIC interrupts pass here (the local APIC timer does not).
    /// </summary>
    public const string ApicDeliver = "apic_deliver_irq";

    public static readonly string[] All = [RegionRead, RegionWrite, QueueNotify, VirtioNotify, ApicDeliver];
}
