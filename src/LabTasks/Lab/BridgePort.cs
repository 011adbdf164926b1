using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace VirtLab.Lab;

public sealed record BridgePort(string Name, string? State);
