namespace VirtLab.Qemu;

/// <summary>How a boot ended: ready (SSH answered) or not, and what the guest showed on the way.</summary>
public sealed record BootOutcome(bool Ready, double Seconds, string Detail, string SerialTail);
