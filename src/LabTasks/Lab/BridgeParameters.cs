using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace VirtLab.Lab;

public sealed record BridgeParameters(bool Stp, double ForwardDelaySeconds, double HelloTimeSeconds, double MaxAgeSeconds, double AgeingTimeSeconds);
