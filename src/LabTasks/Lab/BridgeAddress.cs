using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace VirtLab.Lab;

public sealed record BridgeAddress(string Address, string? Label);
