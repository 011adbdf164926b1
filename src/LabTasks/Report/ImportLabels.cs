using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VirtLab.Report;

/// <summary>What a hand-measured log is: on which machine, under which accelerator, which run.</summary>
public sealed record ImportLabels(string Machine, string Accel, string? Workload, string? Nic, string? Direction, int Repeat);
