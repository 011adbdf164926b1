using System.Text.Json.Nodes;

namespace VirtLab.Lab;

public sealed record NicLink(string Name, bool Up, int Mtu, string? Master, string? MacAddress)
{
    public override string ToString() => $"{Name} {(Up ? "up" : "down")} mtu {Mtu} master {Master ?? "-"} mac {MacAddress ?? "-"}";
}
