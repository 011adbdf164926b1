using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VirtLab.Lab;

/// <summary>One IPv4 unicast route through the NIC (any table but local); Table null means main.</summary>
public sealed record NicRoute(string Destination, string? Gateway, string Device, int? Metric, string? Protocol, string? Scope,
    string? Table, string? PreferredSource, bool OnLink = false)
{
    [JsonIgnore] public bool IsDefault => Destination == "default";

    /// <summary>Routes the kernel makes for an address come back with the address; the rest must be re-added.</summary>
    [JsonIgnore] public bool MadeByKernel => Protocol == "kernel";

    public override string ToString() =>
        $"{Destination} via {Gateway ?? "-"} dev {Device} metric {Metric?.ToString(CultureInfo.InvariantCulture) ?? "-"} proto {Protocol ?? "-"} " +
        $"scope {Scope ?? "-"} table {Table ?? "main"} src {PreferredSource ?? "-"}{(OnLink ? " onlink" : "")}";
}
