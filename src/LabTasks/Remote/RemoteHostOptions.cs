namespace VirtLab.Remote;

/// <summary>How a RemoteHost connects: the bounds, and the network namespace its TCP connections start from.</summary>
public sealed record RemoteHostOptions
{
    /// <summary>TCP connect and SSH handshake, each.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>An SSH keep-alive this often, so a dead peer is noticed while a command runs.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>
    /// "" connects from this process's own namespace (a build started with ip netns exec is
    /// already where it should be). A name opens every connection's socket inside that namespace
    /// (<see cref="HostConnector"/>), as the tests do from the rig's operator namespace.
    /// </summary>
    public string Namespace { get; init; } = "";
}
