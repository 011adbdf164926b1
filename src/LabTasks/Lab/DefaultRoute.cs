using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace VirtLab.Lab;

public sealed record DefaultRoute(string? Gateway, string Device, int? Metric);
