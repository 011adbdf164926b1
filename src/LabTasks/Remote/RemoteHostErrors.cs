using VirtLab.Config;
using VirtLab.Util;

namespace VirtLab.Remote;

/// <summary>The LAB errors a remote host raises, each naming the host, where it is and the fix.</summary>
internal static class RemoteHostErrors
{
    public static string Where(string name, HostConfig host) => $"'{name}' ({host.User}@{host.Address}:{host.Port})";

    public static LabException KeyMismatch(string name, HostConfig host, HostKeyPin pin, string offeredType, string offeredFingerprint) =>
        new(LabCodes.HostKeyMismatch,
            $"Host {Where(name, host)} presented a {offeredType} host key {offeredFingerprint}, which is not the one pinned in {pin.Source}; the connection was refused.",
            $"compare with ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub run on the host itself; if the host was reinstalled, pin its new key in hosts.{name}; otherwise something else answers at {host.Address}.");

    public static LabException Unreachable(string name, HostConfig host, string why, Exception? inner) =>
        new(LabCodes.RemoteHost, $"Cannot reach host {Where(name, host)}: {LabException.OneLine(why)}.",
            $"check that the machine is up, that sshd listens on {host.Address}:{host.Port} (ss -tln there) and that no firewall drops it; or correct hosts.{name}.address/port.",
            inner: inner);

    public static LabException AuthenticationRefused(string name, HostConfig host, Exception inner) =>
        new(LabCodes.RemoteHost, $"Host {Where(name, host)} refused the key {host.IdentityFile}: {LabException.OneLine(inner.Message)}",
            $"append {host.IdentityFile}.pub to ~{host.User}/.ssh/authorized_keys on that host (ssh-copy-id -i {host.IdentityFile} {host.User}@{host.Address}), or correct hosts.{name}.user/identityFile.",
            inner: inner);

    public static LabException UnusableKey(string name, HostConfig host, Exception inner) =>
        new(LabCodes.RemoteHost, $"The key of host '{name}', {host.IdentityFile}, cannot be used: {LabException.OneLine(inner.Message)}",
            "give an unencrypted OpenSSH private key (ssh-keygen -t ed25519 -N '' -f <file>); VirtLab asks for no passphrase.", host.IdentityFile, inner: inner);

    public static LabException Failed(string name, HostConfig host, string what, Exception inner) =>
        new(LabCodes.RemoteHost, $"Host {Where(name, host)}: {what}: {LabException.OneLine(inner.Message)}",
            "check the host and the connection to it, and build again.", inner: inner);
}
