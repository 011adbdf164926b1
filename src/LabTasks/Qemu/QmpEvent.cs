using System.Text.Json;

namespace VirtLab.Qemu;

/// <summary>
/// An asynchronous QMP event. <see cref="Timestamp"/> is QEMU's own (host wall clock at emission);
/// <see cref="ReceivedAt"/> when this client read it, and <see cref="ReceivedTimestamp"/> the same
/// moment on the monotonic clock (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>; 0: not known).
/// </summary>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp, DateTimeOffset ReceivedAt, long ReceivedTimestamp = 0);
