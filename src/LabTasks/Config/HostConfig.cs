namespace VirtLab.Config;

/// <summary>
/// A machine VirtLab reaches over SSH (lab.yaml's hosts.&lt;name&gt;). Exactly one of HostKey,
/// HostKeyFingerprint and KnownHosts pins the key the host must present: a host is never
/// trusted on first use. The loader makes IdentityFile and KnownHosts absolute (relative paths
/// are relative to the lab file's folder).
/// </summary>
public sealed class HostConfig
{
    public string Address { get; set; } = "";
    public int Port { get; set; } = 22;
    public string User { get; set; } = "root";
    public string IdentityFile { get; set; } = "";
    /// <summary>An OpenSSH public key line: "ssh-ed25519 AAAA… [comment]".</summary>
    public string HostKey { get; set; } = "";
    /// <summary>"SHA256:…" as ssh-keygen -lf prints it.</summary>
    public string HostKeyFingerprint { get; set; } = "";
    /// <summary>A known_hosts file holding the host's key under its address.</summary>
    public string KnownHosts { get; set; } = "";
    /// <summary>The NIC host-NIC mode enslaves to br0 on that host; empty: the interface that holds <see cref="Address"/> there.</summary>
    public string Nic { get; set; } = "";
}
