namespace VirtLab.Migration;

/// <summary>One step of a switch-over: <see cref="Name"/> ("stop-vcpus", "send-ram" …), from <see cref="StartT"/> for <see cref="Milliseconds"/> (seconds on the migration's timeline).</summary>
public sealed record SwitchoverStep(string Name, double StartT, double Milliseconds);
