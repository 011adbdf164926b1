using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VirtLab.Lab;

/// <summary>One IPv4 address of an interface, with what `ip addr add` needs to put it back as it was.</summary>
public sealed record NicAddress(string Local, int PrefixLength, string? Broadcast, string? Scope, string? Label, bool NoPrefixRoute = false)
{
    [JsonIgnore] public string Cidr => $"{Local}/{PrefixLength}";

    public override string ToString() =>
        $"{Cidr} brd {Broadcast ?? "-"} scope {Scope ?? "-"} label {Label ?? "-"}{(NoPrefixRoute ? " noprefixroute" : "")}";
}
