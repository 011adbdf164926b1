using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace VirtLab.Lab;

public sealed record FdbEntry(string Mac, string Device, string? Master, string? State, string Flags);
