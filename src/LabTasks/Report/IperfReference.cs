using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Report;

public sealed class IperfReference
{
    public string Tool { get; set; } = "";
    public string Command { get; set; } = "";
    public string Note { get; set; } = "";
    public IperfRunReference Virtio { get; set; } = new();
    public IperfRunReference WithoutVirtio { get; set; } = new();

    public double? VirtioOverWithout => WithoutVirtio.GbitPerSecond > 0 ? Virtio.GbitPerSecond / WithoutVirtio.GbitPerSecond : null;
}
