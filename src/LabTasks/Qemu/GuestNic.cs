namespace VirtLab.Qemu;

/// <summary>One NIC of a guest: the QEMU device model and the tap on the lab bridge it plugs into.</summary>
public sealed record GuestNic(string Model, string Tap, string Mac);
