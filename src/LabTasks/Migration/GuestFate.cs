namespace VirtLab.Migration;

/// <summary>Where the guest ran after a migration, as recorded in labels.guest_outcome.</summary>
public static class GuestFate
{
    public const string OnSource = "survived-on-source";
    public const string OnDestination = "survived-on-destination";
    public const string Lost = "lost";

    /// <summary>The fate of a guest whose migration ended with <paramref name="completed"/>, given whether the QEMU that should run it still runs.</summary>
    public static string Of(bool completed, bool currentQemuRunning) =>
        !currentQemuRunning ? Lost : completed ? OnDestination : OnSource;
}
