using System.Globalization;

namespace VirtLab.Migration;

/// <summary>One step of a switch-over: <see cref="Name"/> ("stop-vcpus", "send-ram" …), from <see cref="StartT"/> for <see cref="Milliseconds"/> (seconds on the migration's timeline).</summary>
public sealed record SwitchoverStep(string Name, double StartT, double Milliseconds)
{
    /// <summary>
    /// A switch-over's largest steps, largest first, for a sentence: "stop-vcpus 512 ms, send-ram 70 ms, destination-load 31 ms
    /// of 640 ms from the decision to stop until the guest ran again, with 1.5 MiB of RAM left to send" (null without steps).
    /// </summary>
    public static string? Summary(IReadOnlyList<SwitchoverStep>? steps, double? pendingMib)
    {
        if (steps is not { Count: > 0 }) return null;
        var inv = CultureInfo.InvariantCulture;
        return string.Join(", ", steps.OrderByDescending(s => s.Milliseconds).Take(3).Select(s => string.Create(inv, $"{s.Name} {s.Milliseconds:0} ms")))
            + string.Create(inv, $" of {steps.Sum(s => s.Milliseconds):0} ms from the decision to stop until the guest ran again")
            + (pendingMib is { } p ? string.Create(inv, $", with {p:0.0} MiB of RAM left to send") : "");
    }
}
