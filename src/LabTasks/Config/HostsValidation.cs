using System.Net;
using System.Text.RegularExpressions;
using VirtLab.Remote;
using VirtLab.Util;

namespace VirtLab.Config;

/// <summary>
/// Checks lab.yaml's hosts: section the way the loader checks every other key (LAB0002 at the
/// key's line, with the fix), and makes the host's file paths absolute.
/// </summary>
public static partial class HostsValidation
{
    public const string LocalHost = "local";

    public static void Validate(LabConfig config, Func<string, (int Line, int Column)> find, string labFile)
    {
        var labFolder = Path.GetDirectoryName(Path.GetFullPath(labFile)) ?? "/";
        foreach (var (name, host) in config.Hosts)
        {
            var key = $"hosts.{name}";
            void Require(bool ok, string subKey, string problem, string fix)
            {
                if (ok) return;
                var full = subKey.Length == 0 ? key : $"{key}.{subKey}";
                var (line, column) = find(full);
                throw new LabException(LabCodes.ConfigBadValue, $"{full}: {problem}", fix, labFile, line, column);
            }

            Require(name != LocalHost, "", "'local' is reserved: it is this machine, the default host.", "give the remote machine another name, e.g. kvm-box.");
            Require(HostName().IsMatch(name), "", $"'{name}' is not a host name VirtLab accepts.", "use 1–32 lower-case letters, digits and '-'.");
            Require(host.Address.Length > 0, "address", "the host has no address.", "set address to its IP address or DNS name, e.g. 192.168.1.20.");
            Require(IsAddress(host.Address), "address", $"'{host.Address}' is not an IP address or a DNS name.", "write an IPv4 or IPv6 address or a DNS name (letters, digits, '-' and '.').");
            Require(host.Port is >= 1 and <= 65535, "port", $"{host.Port} is not a TCP port.", "use 1–65535 (22 is SSH's).");
            Require(host.Nic.Length == 0 || (host.Nic.Length <= Lab.InterfaceName.MaxLength && host.Nic[0] != '-' && host.Nic.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-')),
                "nic", $"'{host.Nic}' is not an interface name.", "name the host's LAN NIC as `ip link` shows it there (e.g. enp3s0), or leave nic out to use the one holding the address.");
            Require(UserName().IsMatch(host.User), "user", $"'{host.User}' is not a user name.", "use the login name on that host, e.g. root.");
            Require(host.IdentityFile.Length > 0, "identityFile", "the host has no identityFile: VirtLab logs in with a key only.",
                "set identityFile to the private key whose public half is in the host's authorized_keys (ssh-keygen -t ed25519 -f <file> makes one).");
            host.IdentityFile = Path.GetFullPath(host.IdentityFile, labFolder);
            Require(File.Exists(host.IdentityFile), "identityFile", $"'{host.IdentityFile}' does not exist.", "give the path of the private key (relative paths are relative to the lab file's folder).");
            Require(IsPrivateToOwner(host.IdentityFile), "identityFile", $"'{host.IdentityFile}' can be read by others than its owner.",
                $"chmod 600 {host.IdentityFile}");

            var pins = new[] { host.HostKey, host.HostKeyFingerprint, host.KnownHosts }.Count(p => p.Length > 0);
            Require(pins > 0, "", "no host key is pinned; VirtLab never trusts a host's key on first use.",
                "add hostKey: with the line of the host's /etc/ssh/ssh_host_ed25519_key.pub (read on the host itself), or hostKeyFingerprint: SHA256:… (ssh-keygen -lf that file), or knownHosts: a known_hosts file.");
            Require(pins == 1, "", "more than one of hostKey, hostKeyFingerprint and knownHosts is given.", "keep exactly one pin.");
            Require(host.HostKey.Length == 0 || SshPublicKeyLine.TryParse(host.HostKey) is not null, "hostKey", "is not an OpenSSH public key line.",
                "paste the whole line of the host's /etc/ssh/ssh_host_ed25519_key.pub: ssh-ed25519 AAAA… (the type and the key).");
            Require(host.HostKeyFingerprint.Length == 0 || Fingerprint().IsMatch(host.HostKeyFingerprint), "hostKeyFingerprint",
                $"'{host.HostKeyFingerprint}' is not a SHA-256 fingerprint.", "write it as ssh-keygen -lf prints it: SHA256: and 43 base64 characters.");
            if (host.KnownHosts.Length > 0)
            {
                host.KnownHosts = Path.GetFullPath(host.KnownHosts, labFolder);
                Require(File.Exists(host.KnownHosts), "knownHosts", $"'{host.KnownHosts}' does not exist.", "give the path of a known_hosts file (relative paths are relative to the lab file's folder).");
                Require(KnownHostsFile.For(host.KnownHosts, host.Address, host.Port).Keys.Count > 0, "knownHosts",
                    $"'{host.KnownHosts}' holds no key for {(host.Port == 22 ? host.Address : $"[{host.Address}]:{host.Port}")}.",
                    "add the host's key under exactly that address (wildcards do not pin a key), or pin it with hostKey instead.");
            }
        }
    }

    /// <summary>The host a name refers to; a name lab.yaml does not declare is LAB0002 listing those it does.</summary>
    public static HostConfig Resolve(LabConfig config, string name)
    {
        if (config.Hosts.TryGetValue(name, out var host)) return host;
        var declared = config.Hosts.Count == 0 ? "none" : string.Join(", ", config.Hosts.Keys.Order(StringComparer.Ordinal));
        throw new LabException(LabCodes.ConfigBadValue,
            $"Host '{name}' is not declared in the lab file's hosts: section (declared: {declared}; '{LocalHost}' is this machine).",
            "declare it under hosts: (docs/lab-yaml.md#hosts) or use one of the declared names.", config.SourceFile.Length > 0 ? config.SourceFile : null, config.HostsLine);
    }

    // A name whose last label is all digits is a mistyped IPv4 address (10.0.0.300), never a DNS name.
    private static bool IsAddress(string text) =>
        IPAddress.TryParse(text, out var ip)
            ? ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || text.Count(c => c == '.') == 3
            : DnsName().IsMatch(text) && !text.Split('.')[^1].All(char.IsAsciiDigit);

    private static bool IsPrivateToOwner(string file) =>
        (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) == 0;

    [GeneratedRegex(@"^[a-z0-9-]{1,32}$")]
    private static partial Regex HostName();
    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex UserName();
    [GeneratedRegex(@"^SHA256:[A-Za-z0-9+/]{43}=?$")]
    private static partial Regex Fingerprint();
    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex DnsName();
}
