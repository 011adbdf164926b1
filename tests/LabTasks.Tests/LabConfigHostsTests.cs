using VirtLab.Config;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>lab.yaml's hosts: section: what loads, and every bad value refused with LAB0002 at its key's line.</summary>
public sealed class LabConfigHostsTests : IDisposable
{
    private const string Ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl host-a";
    private const string Fingerprint = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8";
    private readonly string _folder;
    private readonly string _lab;
    private readonly string _key;

    public LabConfigHostsTests()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"vl-hosts-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _lab = Path.Combine(_folder, "lab.yaml");
        _key = Path.Combine(_folder, "id_ed25519");
        File.WriteAllText(_key, "not read by the loader\n");
        File.SetUnixFileMode(_key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LabConfig Parse(string hostLines) => LabConfigLoader.Parse("guest:\n  vcpus: 1\nhosts:\n  pc1:\n" + hostLines, _lab);

    [Fact]
    public void A_host_loads_with_defaults_and_its_key_path_relative_to_the_lab_file()
    {
        var config = Parse($"    address: 192.168.1.20\n    identityFile: id_ed25519\n    hostKey: {Ed25519}\n");
        var host = config.Hosts["pc1"];
        Assert.Equal("192.168.1.20", host.Address);
        Assert.Equal(22, host.Port);
        Assert.Equal("root", host.User);
        Assert.Equal(_key, host.IdentityFile);
        Assert.Same(host, HostsValidation.Resolve(config, "pc1"));
    }

    [Fact]
    public void A_lab_file_without_hosts_loads_with_none()
    {
        Assert.Empty(LabConfigLoader.Parse("guest:\n  vcpus: 1\n", _lab).Hosts);
    }

    [Fact]
    public void Each_pin_kind_loads_alone()
    {
        Parse($"    address: pc1.lan\n    identityFile: {_key}\n    hostKeyFingerprint: {Fingerprint}\n");
        var knownHosts = Path.Combine(_folder, "known_hosts");
        File.WriteAllText(knownHosts, $"other.lan {Ed25519}\n[pc1.lan]:2222,10.0.0.5 {Ed25519}\n");
        Assert.Equal(knownHosts, Parse($"    address: pc1.lan\n    port: 2222\n    identityFile: {_key}\n    knownHosts: known_hosts\n").Hosts["pc1"].KnownHosts);
    }

    [Theory]
    [InlineData("    address: 10.0.0.5\n    identityFile: id_ed25519\n", "hosts.pc1: no host key is pinned", 4)]
    [InlineData("    address: 10.0.0.5\n    identityFile: id_ed25519\n    hostKey: " + Ed25519 + "\n    hostKeyFingerprint: " + Fingerprint + "\n", "hosts.pc1: more than one", 4)]
    [InlineData("    address: 10.0.0.5\n    identityFile: id_ed25519\n    hostKey: ssh-ed25519 AAAA\n", "hosts.pc1.hostKey:", 7)]
    [InlineData("    address: 10.0.0.5\n    identityFile: id_ed25519\n    hostKey: ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n", "hosts.pc1.hostKey:", 7)]
    [InlineData("    address: 10.0.0.5\n    identityFile: id_ed25519\n    hostKey: AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n", "hosts.pc1.hostKey:", 7)]
    [InlineData("    address: 10.0.0.5\n    identityFile: id_ed25519\n    hostKeyFingerprint: MD5:12:34\n", "hosts.pc1.hostKeyFingerprint:", 7)]
    [InlineData("    address: 10.0.0.5\n    identityFile: id_ed25519\n    knownHosts: no-such-file\n", "hosts.pc1.knownHosts:", 7)]
    [InlineData("    identityFile: id_ed25519\n    hostKey: " + Ed25519 + "\n", "hosts.pc1.address: the host has no address", 4)]
    [InlineData("    address: 10.0.0.300\n    identityFile: id_ed25519\n    hostKey: " + Ed25519 + "\n", "hosts.pc1.address:", 5)]
    [InlineData("    address: -oProxyCommand=x\n    identityFile: id_ed25519\n    hostKey: " + Ed25519 + "\n", "hosts.pc1.address:", 5)]
    [InlineData("    address: 10.0.0.5\n    port: 70000\n    identityFile: id_ed25519\n    hostKey: " + Ed25519 + "\n", "hosts.pc1.port:", 6)]
    [InlineData("    address: 10.0.0.5\n    port: 0\n    identityFile: id_ed25519\n    hostKey: " + Ed25519 + "\n", "hosts.pc1.port:", 6)]
    [InlineData("    address: 10.0.0.5\n    user: \"root; id\"\n    identityFile: id_ed25519\n    hostKey: " + Ed25519 + "\n", "hosts.pc1.user:", 6)]
    [InlineData("    address: 10.0.0.5\n    hostKey: " + Ed25519 + "\n", "hosts.pc1.identityFile: the host has no identityFile", 4)]
    [InlineData("    address: 10.0.0.5\n    identityFile: no-such-key\n    hostKey: " + Ed25519 + "\n", "hosts.pc1.identityFile:", 6)]
    public void A_bad_host_value_is_LAB0002_at_its_key_with_a_fix(string hostLines, string message, int line)
    {
        var e = Assert.Throws<LabException>(() => Parse(hostLines));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith(message, e.Message);
        Assert.Equal(line, e.Line);
        Assert.Equal(_lab, e.File);
        Assert.False(string.IsNullOrWhiteSpace(e.Fix));
    }

    [Fact]
    public void A_known_hosts_file_without_the_hosts_address_is_refused()
    {
        File.WriteAllText(Path.Combine(_folder, "known_hosts"), $"10.0.0.6 {Ed25519}\n*.lan {Ed25519}\n[10.0.0.5]:2222 {Ed25519}\n");
        var e = Assert.Throws<LabException>(() => Parse($"    address: 10.0.0.5\n    identityFile: id_ed25519\n    knownHosts: known_hosts\n"));
        Assert.StartsWith("hosts.pc1.knownHosts:", e.Message);
        Assert.Contains("holds no key for 10.0.0.5", e.Message);
    }

    [Fact]
    public void An_identity_file_others_can_read_is_refused_with_the_chmod_that_fixes_it()
    {
        File.SetUnixFileMode(_key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var e = Assert.Throws<LabException>(() => Parse($"    address: 10.0.0.5\n    identityFile: id_ed25519\n    hostKey: {Ed25519}\n"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith("hosts.pc1.identityFile:", e.Message);
        Assert.Equal($"chmod 600 {_key}", e.Fix);
        Assert.Equal(6, e.Line);
    }

    [Theory]
    [InlineData("local", "'local' is reserved")]
    [InlineData("PC1", "is not a host name")]
    [InlineData("pc_1", "is not a host name")]
    [InlineData("a23456789012345678901234567890123", "is not a host name")]
    public void A_reserved_or_malformed_host_name_is_LAB0002_at_its_line(string name, string problem)
    {
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse($"hosts:\n  {name}:\n    address: 10.0.0.5\n    identityFile: id_ed25519\n    hostKey: {Ed25519}\n", _lab));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith($"hosts.{name}:", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void An_unknown_host_key_is_LAB0001_and_an_empty_one_LAB0002()
    {
        var unknown = Assert.Throws<LabException>(() => Parse("    address: 10.0.0.5\n    pasword: x\n"));
        Assert.Equal(LabCodes.ConfigUnknownKey, unknown.Code);
        Assert.Equal(6, unknown.Line);
        var empty = Assert.Throws<LabException>(() => Parse("    address:\n"));
        Assert.Equal(LabCodes.ConfigBadValue, empty.Code);
        Assert.StartsWith("hosts.pc1.address: the value is empty", empty.Message);
    }

    [Fact]
    public void A_host_name_used_but_not_declared_is_an_error_listing_the_declared_ones()
    {
        var config = LabConfigLoader.Parse(
            $"hosts:\n  pc2:\n    address: 10.0.0.6\n    identityFile: id_ed25519\n    hostKey: {Ed25519}\n  pc1:\n    address: 10.0.0.5\n    identityFile: id_ed25519\n    hostKey: {Ed25519}\n", _lab);
        var e = Assert.Throws<LabException>(() => HostsValidation.Resolve(config, "kvm-box"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.Contains("Host 'kvm-box' is not declared", e.Message);
        Assert.Contains("(declared: pc1, pc2;", e.Message);
        Assert.Equal(_lab, e.File);
        Assert.Equal(1, e.Line);
    }
}
