using VirtLab.Config;

namespace VirtLab.Remote;

/// <summary>The host key a host must present, from whichever of lab.yaml's three pins it has.</summary>
public sealed class HostKeyPin
{
    private readonly Func<byte[], bool> _accepts;

    private HostKeyPin(Func<byte[], bool> accepts, string source)
    {
        _accepts = accepts;
        Source = source;
    }

    /// <summary>Where the pin is, for messages: "hosts.a.hostKey", "known_hosts file /x".</summary>
    public string Source { get; }

    public bool Accepts(byte[] keyBlob) => _accepts(keyBlob);

    public static HostKeyPin For(string hostName, HostConfig host)
    {
        if (host.HostKey.Length > 0)
        {
            var pinned = SshPublicKeyLine.TryParse(host.HostKey)?.Blob
                ?? throw new ArgumentException($"hosts.{hostName}.hostKey is not a public key line (the loader checks it).");
            return new HostKeyPin(blob => blob.AsSpan().SequenceEqual(pinned), $"hosts.{hostName}.hostKey");
        }
        if (host.HostKeyFingerprint.Length > 0)
            return new HostKeyPin(blob => SshFingerprint.Matches(host.HostKeyFingerprint, blob), $"hosts.{hostName}.hostKeyFingerprint ({host.HostKeyFingerprint})");
        if (host.KnownHosts.Length > 0)
        {
            var known = KnownHostsFile.For(host.KnownHosts, host.Address, host.Port);
            return new HostKeyPin(known.Accepts, $"the known_hosts file {host.KnownHosts}");
        }
        throw new ArgumentException($"hosts.{hostName} pins no host key (the loader refuses that).");
    }
}
