using System.Text.Json;

namespace VirtLab.Qemu;

/// <summary>An asynchronous QMP event. <see cref="Timestamp"/> is QEMU's own (host wall clock at emission).</summary>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp, DateTimeOffset ReceivedAt);
