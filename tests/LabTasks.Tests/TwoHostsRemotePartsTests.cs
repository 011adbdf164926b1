using VirtLab.Remote;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>RemoteHost's parts without a network: quoting, fingerprints and known_hosts, checked against OpenSSH's own tools.</summary>
public sealed class TwoHostsRemotePartsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"vl-remote-{Guid.NewGuid():N}");

    public TwoHostsRemotePartsTests() =>
        Directory.CreateDirectory(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    [InlineData("$(id) `id` ; | &", "'$(id) `id` ; | &'")]
    public void Every_argument_is_single_quoted_and_quotes_are_closed_escaped_and_reopened(string argument, string quoted)
    {
        Assert.Equal(quoted, PosixShell.Quote(argument));
    }

    [Fact]
    public void A_quoted_command_line_gives_the_shell_back_each_argument()
    {
        string[] argv = ["printf", "<%s>", "a b", "it's", "\\", "\"", "$HOME", "*"];
        var result = ProcessRunner.Run("sh", ["-c", PosixShell.Join(argv)], Bound);
        Assert.Equal("<a b><it's><\\><\"><$HOME><*>", result.StandardOutput);
        Assert.Throws<ArgumentException>(() => PosixShell.Quote("nul\0byte"));
    }

    [Fact]
    public void The_fingerprint_is_the_one_ssh_keygen_prints()
    {
        var key = NewKey();
        var line = SshPublicKeyLine.TryParse(File.ReadAllText(key + ".pub"))!;
        var openSsh = ProcessRunner.Run("ssh-keygen", ["-l", "-E", "sha256", "-f", key + ".pub"], Bound).StandardOutput.Split(' ')[1];
        Assert.Equal(openSsh, SshFingerprint.Sha256(line.Blob));
        Assert.True(SshFingerprint.Matches(openSsh + "=", line.Blob));
        Assert.False(SshFingerprint.Matches(openSsh.ToLowerInvariant(), line.Blob));
    }

    [Fact]
    public void A_hashed_known_hosts_file_pins_the_key_of_its_address_and_port_only()
    {
        var key = SshPublicKeyLine.TryParse(File.ReadAllText(NewKey() + ".pub"))!;
        var other = SshPublicKeyLine.TryParse(File.ReadAllText(NewKey() + ".pub"))!;
        var file = Path.Combine(_folder, "known_hosts");
        var keyText = $"{key.Type} {Convert.ToBase64String(key.Blob)}";
        var otherText = $"{other.Type} {Convert.ToBase64String(other.Blob)}";
        File.WriteAllText(file, $"10.0.0.5 {keyText}\n[10.0.0.5]:2222 {otherText}\n@revoked 10.0.0.7 {keyText}\n10.0.0.7 {keyText}\n");
        ProcessRunner.RunChecked(LabCodes.MissingTool, "ssh-keygen", ["-H", "-f", file], Bound);
        Assert.DoesNotContain("10.0.0.5", File.ReadAllText(file));

        Assert.True(KnownHostsFile.For(file, "10.0.0.5", 22).Accepts(key.Blob));
        Assert.False(KnownHostsFile.For(file, "10.0.0.5", 22).Accepts(other.Blob));
        Assert.True(KnownHostsFile.For(file, "10.0.0.5", 2222).Accepts(other.Blob));
        Assert.False(KnownHostsFile.For(file, "10.0.0.7", 22).Accepts(key.Blob)); // revoked
        Assert.Empty(KnownHostsFile.For(file, "10.0.0.6", 22).Keys);
    }

    [Fact]
    public void An_identity_file_that_is_no_private_key_is_LAB0047_naming_the_host_and_the_file()
    {
        var key = Path.Combine(_folder, "not-a-key");
        File.WriteAllText(key, "-----BEGIN NOTHING-----\n");
        var config = new VirtLab.Config.HostConfig { Address = "127.0.0.1", IdentityFile = key, HostKey = File.ReadAllText(NewKey() + ".pub") };
        var e = Assert.Throws<LabException>(() => RemoteHost.Connect("pc2", config));
        Assert.Equal(LabCodes.RemoteHost, e.Code);
        Assert.Contains($"The key of host 'pc2', {key}, cannot be used", e.Message);
        Assert.Equal(key, e.File);
    }

    private string NewKey()
    {
        var key = Path.Combine(_folder, $"key-{Guid.NewGuid():N}");
        ProcessRunner.RunChecked(LabCodes.MissingTool, "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key], Bound);
        return key;
    }
}
