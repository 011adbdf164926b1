using System.Diagnostics;
using System.Security.Cryptography;
using VirtLab.Config;
using VirtLab.Remote;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// RemoteHost against the rig's real sshd on hosts A and B. Every connection starts in the rig's
/// operator namespace (RemoteHostOptions.Namespace); nothing here sends to a rig address from the
/// root namespace.
/// </summary>
public class TwoHostsRemoteHostTests(TwoHostsRig rig) : IClassFixture<TwoHostsRig>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private RemoteHostOptions Options => new() { Namespace = rig.OperatorNamespace, ConnectTimeout = TimeSpan.FromSeconds(3) };

    private RemoteHost Connect(string name, HostConfig config) => RemoteHost.Connect(name, config, Options);

    [Fact]
    public void A_command_run_on_host_A_runs_on_A_and_B_is_another_machine()
    {
        using var a = Connect("a", rig.HostConfigFor(rig.A));
        using var b = Connect("b", rig.HostConfigFor(rig.B));
        var onA = a.Run(["ip", "-o", "-4", "addr", "show"]);
        var onB = b.Run(["ip", "-o", "-4", "addr", "show"]);
        Assert.Equal(0, onA.ExitCode);
        Assert.Contains($"inet {rig.A.Address}/24", onA.StandardOutput);
        Assert.DoesNotContain(rig.B.Address, onA.StandardOutput);
        Assert.Contains($"inet {rig.B.Address}/24", onB.StandardOutput);
        Assert.DoesNotContain(rig.A.Address, onB.StandardOutput);
    }

    [Fact]
    public void The_session_leaves_from_the_operator_namespace_and_the_root_namespace_talks_only_to_loopback()
    {
        using var a = Connect("a", rig.HostConfigFor(rig.A));
        Assert.Equal(0, a.Run(["true"]).ExitCode);
        var fromOperator = ProcessRunner.Run("ip", ["netns", "exec", rig.OperatorNamespace, "ss", "-tnH", "state", "established"], Bound).StandardOutput;
        var fromRoot = ProcessRunner.Run("ss", ["-tnH", "state", "established"], Bound).StandardOutput;
        Assert.Contains($"{rig.A.Address}:22", fromOperator);
        Assert.DoesNotContain(TwoHostsRig.LanPrefix + ".", fromRoot);
    }

    [Fact]
    public void A_host_is_reached_by_its_lab_yaml_name_and_an_undeclared_name_lists_the_declared_ones()
    {
        var key = rig.ClientKeyFile;
        var lab = LabConfigLoader.Parse($"""
            hosts:
              host-a:
                address: {rig.A.Address}
                identityFile: {key}
                hostKey: {rig.A.HostPublicKeyLine}
              host-b:
                address: {rig.B.Address}
                identityFile: {key}
                hostKeyFingerprint: {OpenSshFingerprint(rig.B.HostKeyFile + ".pub")}
            """, Path.Combine(rig.Folder, "lab.yaml"));
        using (var b = RemoteHost.Connect(lab, "host-b", Options))
            Assert.Contains($"inet {rig.B.Address}/24", b.Run(["ip", "-o", "-4", "addr", "show"]).StandardOutput);

        var e = Assert.Throws<LabException>(() => RemoteHost.Connect(lab, "host-c", Options));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.Contains("Host 'host-c' is not declared", e.Message);
        Assert.Contains("(declared: host-a, host-b;", e.Message);
    }

    [Fact]
    public void A_command_past_its_bound_is_LAB0047_and_the_session_still_runs_the_next_one()
    {
        using var a = Connect("a", rig.HostConfigFor(rig.A));
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<LabException>(() => a.Run(["sleep", "30"], TimeSpan.FromSeconds(1)));
        watch.Stop();
        Assert.Equal(LabCodes.RemoteHost, e.Code);
        Assert.Contains("'sleep' did not finish within 1 s", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal("still here\n", a.Run(["echo", "still here"]).StandardOutput);
    }

    [Fact]
    public void Arguments_with_spaces_quotes_and_shell_syntax_arrive_intact()
    {
        string[] values = ["two words", "it's", "\"double\"", "$HOME", "`id`", "$(id)", "; touch /run/vl2h-pwned", "back\\slash", "*", "", "tab\there", "line\nbreak", "'", "''"];
        using var a = Connect("a", rig.HostConfigFor(rig.A));
        var result = a.Run(["printf", "[%s]\\n", .. values]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Concat(values.Select(v => $"[{v}]\n")), result.StandardOutput);
        Assert.False(rig.OnHost(rig.A, "test", "-e", "/run/vl2h-pwned").Succeeded); // in A's private /run, should quoting ever fail
    }

    [Fact]
    public void The_root_login_passes_the_root_check_and_a_non_root_login_is_LAB0011_naming_the_host()
    {
        using (var root = Connect("a", rig.HostConfigFor(rig.A))) root.CheckRoot();

        using var user = Connect("a", rig.HostConfigFor(rig.A, TwoHostsRig.NonRootUser));
        Assert.Equal("4242", user.Run(["id", "-u"]).StandardOutput.Trim());
        var e = Assert.Throws<LabException>(user.CheckRoot);
        Assert.Equal(LabCodes.NotRoot, e.Code);
        Assert.Contains($"'a' ({TwoHostsRig.NonRootUser}@{rig.A.Address}:22)", e.Message);
        Assert.Contains("hosts.a.user", e.Fix);
    }

    [Fact]
    public void A_missing_tool_is_LAB0010_naming_the_host_and_only_the_missing_tools()
    {
        using var b = Connect("b", rig.HostConfigFor(rig.B));
        b.CheckTools(["sh", "sshd", "sha256sum"]);
        var e = Assert.Throws<LabException>(() => b.CheckTools(["sh", "vl2h-no-such-tool", "qemu-vl2h-missing"]));
        Assert.Equal(LabCodes.MissingTool, e.Code);
        Assert.Contains($"'b' (root@{rig.B.Address}:22) lacks vl2h-no-such-tool, qemu-vl2h-missing.", e.Message);
        Assert.Contains("install-deps.sh", e.Fix);
    }

    [Fact]
    public void A_wrong_pinned_key_is_refused_with_LAB0041_naming_the_host_and_the_offered_fingerprint()
    {
        var config = rig.HostConfigFor(rig.A);
        config.HostKey = File.ReadAllText(NewKey("impostor") + ".pub").Trim();
        var e = Assert.Throws<LabException>(() => Connect("a", config));
        Assert.Equal(LabCodes.HostKeyMismatch, e.Code);
        Assert.Contains($"'a' (root@{rig.A.Address}:22)", e.Message);
        Assert.Contains(OpenSshFingerprint(rig.A.HostKeyFile + ".pub"), e.Message);
        Assert.Contains("hosts.a.hostKey", e.Message);
        Assert.Contains("ssh-keygen -lf", e.Fix);
    }

    [Fact]
    public void A_fingerprint_pin_and_a_known_hosts_pin_accept_the_right_key_and_refuse_another()
    {
        var byFingerprint = rig.HostConfigFor(rig.B);
        byFingerprint.HostKey = "";
        byFingerprint.HostKeyFingerprint = OpenSshFingerprint(rig.B.HostKeyFile + ".pub");
        using (var b = Connect("b", byFingerprint)) Assert.Equal(0, b.Run(["true"]).ExitCode);

        byFingerprint.HostKeyFingerprint = OpenSshFingerprint(rig.A.HostKeyFile + ".pub");
        Assert.Equal(LabCodes.HostKeyMismatch, Assert.Throws<LabException>(() => Connect("b", byFingerprint)).Code);

        var knownHosts = Path.Combine(PrivateFolder("known-hosts"), "known_hosts");
        File.WriteAllText(knownHosts, $"{rig.A.Address} {rig.A.HostPublicKeyLine}\n{rig.B.Address} {File.ReadAllText(NewKey("other") + ".pub").Trim()}\n");
        var byKnownHosts = rig.HostConfigFor(rig.A);
        byKnownHosts.HostKey = "";
        byKnownHosts.KnownHosts = knownHosts;
        using (var a = Connect("a", byKnownHosts)) Assert.Equal(0, a.Run(["true"]).ExitCode);

        var forB = rig.HostConfigFor(rig.B);
        forB.HostKey = "";
        forB.KnownHosts = knownHosts;
        Assert.Equal(LabCodes.HostKeyMismatch, Assert.Throws<LabException>(() => Connect("b", forB)).Code);
    }

    [Fact]
    public void An_unreachable_host_is_LAB0047_naming_host_and_address_within_the_bound()
    {
        var config = rig.HostConfigFor(rig.A);
        config.Address = rig.UnansweredAddress;
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<LabException>(() => Connect("ghost", config));
        watch.Stop();
        Assert.Equal(LabCodes.RemoteHost, e.Code);
        Assert.Contains($"Cannot reach host 'ghost' (root@{rig.UnansweredAddress}:22)", e.Message);
        Assert.Contains("sshd listens on", e.Fix);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_key_the_host_does_not_authorize_is_LAB0047_saying_which_key_was_refused()
    {
        var config = rig.HostConfigFor(rig.B);
        config.IdentityFile = NewKey("stranger");
        var e = Assert.Throws<LabException>(() => Connect("b", config));
        Assert.Equal(LabCodes.RemoteHost, e.Code);
        Assert.Contains($"Host 'b' (root@{rig.B.Address}:22) refused the key {config.IdentityFile}", e.Message);
        Assert.Contains("authorized_keys", e.Fix);
    }

    [Fact]
    public void Upload_puts_the_file_in_A_s_private_cache_once_and_B_never_sees_it()
    {
        var file = Path.Combine(PrivateFolder("upload"), "image.bin");
        File.WriteAllBytes(file, RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17));
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

        using var a = Connect("a", rig.HostConfigFor(rig.A));
        var first = a.Upload(file);
        var second = a.Upload(file);

        Assert.False(first.Skipped);
        Assert.True(second.Skipped);
        Assert.Equal($"/var/cache/virtlab/images/{sha}", first.RemotePath);
        Assert.Equal(first.RemotePath, second.RemotePath);
        Assert.StartsWith(sha + " ", rig.OnHost(rig.A, "sha256sum", first.RemotePath).StandardOutput);
        Assert.Equal(sha, rig.OnHost(rig.A, "ls", "/var/cache/virtlab/images").StandardOutput.Trim()); // no .partial left beside it
        Assert.False(rig.OnHost(rig.B, "test", "-e", first.RemotePath).Succeeded);
        Assert.False(File.Exists(first.RemotePath));
    }

    [Fact]
    public void A_cached_file_whose_content_no_longer_matches_its_name_is_sent_again()
    {
        var file = Path.Combine(PrivateFolder("upload-damaged"), "image.bin");
        File.WriteAllBytes(file, RandomNumberGenerator.GetBytes(64 * 1024));
        using var b = Connect("b", rig.HostConfigFor(rig.B));
        var first = b.Upload(file);
        Assert.True(rig.OnHost(rig.B, "sh", "-c", "echo damaged > \"$1\"", "sh", first.RemotePath).Succeeded);

        var again = b.Upload(file);

        Assert.False(again.Skipped);
        Assert.StartsWith(first.Sha256 + " ", rig.OnHost(rig.B, "sha256sum", first.RemotePath).StandardOutput);
    }

    private string PrivateFolder(string purpose)
    {
        var folder = Path.Combine(rig.Folder, "tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }

    private string NewKey(string purpose)
    {
        var key = Path.Combine(PrivateFolder(purpose), "id_ed25519");
        ProcessRunner.RunChecked(LabCodes.MissingTool, "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key], Bound);
        return key;
    }

    /// <summary>The fingerprint as OpenSSH itself computes it, independent of VirtLab's code.</summary>
    private static string OpenSshFingerprint(string publicKeyFile) =>
        ProcessRunner.RunChecked(LabCodes.MissingTool, "ssh-keygen", ["-l", "-E", "sha256", "-f", publicKeyFile], Bound).StandardOutput.Split(' ')[1];
}
