using System.Diagnostics;
using VirtLab.Config;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// Two machines and an operator made of network namespaces, as issue 12's tests need them:
/// "vl2h-&lt;id&gt;-op", "-a", "-b" and "-c" each hold one end of a veth pair whose other end is a port of
/// the bridge in "-lan" (the switch), every port shaped with netem (1 Gbit/s, 0.5 ms; tbf at
/// 1 Gbit/s where the kernel lacks netem). Hosts A,
/// B and C (a third machine, the observer) run Debian's /usr/sbin/sshd with a host key of their own, inside their namespace and a
/// mount namespace of their own whose /run and /var/cache/virtlab are private tmpfs. Nothing is
/// created in the root namespace, and no address outside the LAN is routed anywhere.
/// Everything is removed on Dispose, also when the constructor fails half way; what a killed
/// test run left is removed by the next rig (<see cref="TwoHostsRigReaper"/>).
/// </summary>
public sealed class TwoHostsRig : IDisposable
{
    public const string LanPrefix = "10.77.12";
    /// <summary>A user on both hosts with the client key in its authorized_keys but no root (uid 4242).</summary>
    public const string NonRootUser = "labuser";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly List<string> _namespaces = [];
    private bool _disposed;

    public TwoHostsRig() : this(null) { }

    /// <param name="afterSshdStarted">Called after each host's sshd listens (a test makes construction fail there).</param>
    internal TwoHostsRig(Action<TwoHostsRig, RigHost>? afterSshdStarted)
    {
        Id = Guid.NewGuid().ToString("N")[..8];
        Folder = Path.Combine(Path.GetTempPath(), $"vl2h-{Id}");
        A = new RigHost("a", $"vl2h-{Id}-a", $"{LanPrefix}.11", Path.Combine(Folder, "a"));
        B = new RigHost("b", $"vl2h-{Id}-b", $"{LanPrefix}.12", Path.Combine(Folder, "b"));
        C = new RigHost("c", $"vl2h-{Id}-c", $"{LanPrefix}.13", Path.Combine(Folder, "c"));
        TwoHostsRigReaper.ReapOrphans();
        try
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(TwoHostsRigReaper.OwnerFile(Folder), TwoHostsRigReaper.OwnerOfThisProcess());
            MakeClientKey();
            BuildLan();
            foreach (var host in Hosts)
            {
                StartSshd(host);
                afterSshdStarted?.Invoke(this, host);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Id { get; }
    /// <summary>The rig's private folder (0700): the client key and each host's files.</summary>
    public string Folder { get; }
    public string OperatorNamespace => $"vl2h-{Id}-op";
    public string LanNamespace => $"vl2h-{Id}-lan";
    public string OperatorAddress => $"{LanPrefix}.1";
    /// <summary>An address on the LAN that nothing answers (not even ARP).</summary>
    public string UnansweredAddress => $"{LanPrefix}.99";
    public RigHost A { get; }
    public RigHost B { get; }
    /// <summary>A third machine on the LAN: the observer that pings, captures and streams to a guest migrating between A and B.</summary>
    public RigHost C { get; }
    public IReadOnlyList<RigHost> Hosts => [A, B, C];
    public string ClientKeyFile => Path.Combine(Folder, "client", "id_ed25519");
    public IReadOnlyList<string> Namespaces => _namespaces;
    /// <summary>The qdisc on every LAN port: netem (1 Gbit/s, 0.5 ms), or tbf (1 Gbit/s) on a kernel without netem.</summary>
    public string LanShaping { get; private set; } = "";

    /// <summary>lab.yaml's view of a rig host: its address, the rig's client key and the host's own key pinned.</summary>
    public HostConfig HostConfigFor(RigHost host, string user = "root") => new()
    {
        Address = host.Address,
        User = user,
        IdentityFile = ClientKeyFile,
        HostKey = host.HostPublicKeyLine,
    };

    /// <summary>A lab file in the rig's folder: <paramref name="baseLabFile"/> plus a hosts: section declaring <paramref name="hosts"/> as lab.yaml hosts named a, b, c.</summary>
    public string WriteLabFile(string baseLabFile, params RigHost[] hosts)
    {
        var path = Path.Combine(Folder, "lab.yaml");
        File.WriteAllText(path, File.ReadAllText(baseLabFile) + "\nhosts:\n" + string.Concat(hosts.Select(h => $"""
              {h.Name}:
                address: {h.Address}
                identityFile: {ClientKeyFile}
                hostKey: {h.HostPublicKeyLine}

            """)));
        return path;
    }

    /// <summary>Runs a command on a host as the host itself sees the world: its network and its mount namespace (nsenter into its sshd).</summary>
    public ProcessResult OnHost(RigHost host, params string[] command) =>
        ProcessRunner.Run("nsenter", ["--target", host.Sshd!.Id.ToString(), "--mount", "--net", "--", .. command], Bound);

    private void MakeClientKey()
    {
        var client = Path.Combine(Folder, "client");
        Directory.CreateDirectory(client, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ProcessRunner.RunChecked(LabCodes.MissingTool, "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", $"vl2h-{Id}-client", "-f", ClientKeyFile], Bound);
    }

    private void BuildLan()
    {
        foreach (var ns in (string[])[OperatorNamespace, LanNamespace, A.Namespace, B.Namespace, C.Namespace])
        {
            ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["netns", "add", ns], Bound);
            _namespaces.Add(ns);
            Ip(ns, "link", "set", "lo", "up");
        }
        Ip(LanNamespace, "link", "add", "br0", "type", "bridge");
        Ip(LanNamespace, "link", "set", "br0", "up");
        foreach (var (ns, address, port) in (ReadOnlySpan<(string, string, string)>)[(OperatorNamespace, OperatorAddress, "p-op"), (A.Namespace, A.Address, "p-a"), (B.Namespace, B.Address, "p-b"), (C.Namespace, C.Address, "p-c")])
        {
            // Both ends are born inside namespaces: the root namespace never holds a rig interface.
            Ip(LanNamespace, "link", "add", port, "type", "veth", "peer", "name", "lan0", "netns", ns);
            Ip(LanNamespace, "link", "set", port, "master", "br0", "up");
            Shape(port);
            Ip(ns, "addr", "add", $"{address}/24", "dev", "lan0");
            Ip(ns, "link", "set", "lan0", "up");
        }
    }

    // netem where the kernel has it. A kernel built without sch_netem (this project's CI VM
    // among them) answers "qdisc kind is unknown": the ports then get tbf's 1 Gbit/s without the
    // added delay, and LanShaping says so, so a test can tell which LAN it ran on.
    private void Shape(string port)
    {
        var netem = ProcessRunner.Run("ip", ["netns", "exec", LanNamespace, "tc", "qdisc", "add", "dev", port, "root", "netem", "rate", "1gbit", "delay", "0.5ms"], Bound);
        if (netem.Succeeded)
        {
            LanShaping = "netem rate 1gbit delay 0.5ms";
            return;
        }
        if (!netem.StandardError.Contains("qdisc kind is unknown"))
            throw new LabException(LabCodes.LabNetwork, $"tc netem on {port} in {LanNamespace} failed: {netem.StandardError.Trim()}");
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["netns", "exec", LanNamespace, "tc", "qdisc", "add", "dev", port, "root", "tbf", "rate", "1gbit", "burst", "256kb", "latency", "10ms"], Bound);
        LanShaping = "tbf rate 1gbit (no sch_netem in this kernel: no added delay)";
    }

    private void StartSshd(RigHost host)
    {
        Directory.CreateDirectory(host.Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ProcessRunner.RunChecked(LabCodes.MissingTool, "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", $"vl2h-{Id}-{host.Name}", "-f", host.HostKeyFile], Bound);
        File.Copy(ClientKeyFile + ".pub", Path.Combine(host.Folder, "authorized_keys"));
        File.SetUnixFileMode(Path.Combine(host.Folder, "authorized_keys"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(host.ConfigFile, $"""
            ListenAddress {host.Address}:22
            HostKey {host.HostKeyFile}
            PidFile /run/sshd.pid
            AuthorizedKeysFile /run/rig/keys/%u
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            PrintMotd no
            Subsystem sftp internal-sftp

            """);

        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["netns", "exec", host.Namespace, "unshare", "--mount", "--propagation", "private", "sh", "-c", SshdStartScript, "sh", host.Folder, host.ConfigFile, NonRootUser])
            psi.ArgumentList.Add(a);
        host.Started(Process.Start(psi)!);
        File.WriteAllText(Path.Combine(Folder, $"{host.Name}.sshd-pid"), host.Sshd!.Id.ToString());

        var deadline = DateTime.UtcNow + Bound;
        while (!ProcessRunner.Run("ip", ["netns", "exec", host.Namespace, "ss", "-tlnH"], Bound).StandardOutput.Contains($"{host.Address}:22"))
        {
            if (host.Sshd!.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"sshd of rig host {host.Name} did not listen on {host.Address}:22: {host.Log}");
            Thread.Sleep(50);
        }
    }

    // Runs as the host's first process: ip netns exec put it in the host's network namespace,
    // unshare in a mount namespace of its own, so the tmpfs and bind mounts below are seen by this
    // host's sshd (and what it runs) only. The authorized keys live in the host's own /run, so the
    // rig's folder stays 0700 root; where this machine has no /var/cache/virtlab, a tmpfs on
    // /var/cache holds the host's (mkdir there would leave a folder on the real file system); /etc/passwd, group and shadow are bind-mounted copies that add
    // the non-root user on this host only. ('*' in shadow: no password, yet not a locked account.)
    // The sshd pid is this process's: ip netns exec, unshare and sh each exec the next.
    private const string SshdStartScript = """
        set -eu
        folder="$1" config="$2" user="$3"
        mount -t tmpfs -o mode=0755 vl2h-run /run
        if [ -d /var/cache/virtlab ]; then
          mount -t tmpfs -o mode=0755 vl2h-cache /var/cache/virtlab
        else
          mount -t tmpfs -o mode=0755 vl2h-cache /var/cache
          mkdir -m 0755 /var/cache/virtlab
        fi
        mkdir -m 0755 /run/sshd /run/rig /run/rig/keys
        mkdir -m 0700 /run/rig/home
        install -m 0600 "$folder/authorized_keys" /run/rig/keys/root
        install -m 0600 -o 4242 -g 4242 "$folder/authorized_keys" "/run/rig/keys/$user"
        chown 4242:4242 /run/rig/home
        for f in passwd group shadow; do cp "/etc/$f" "/run/rig/$f"; done
        echo "$user:x:4242:4242:VirtLab rig user:/run/rig/home:/bin/sh" >> /run/rig/passwd
        echo "$user:x:4242:" >> /run/rig/group
        echo "$user:*:20000:0:99999:7:::" >> /run/rig/shadow
        for f in passwd group shadow; do mount --bind "/run/rig/$f" "/etc/$f"; done
        exec /usr/sbin/sshd -D -e -f "$config"
        """;

    /// <summary>The processes running in a rig namespace (ip netns pids).</summary>
    public static List<int> LeftRunning(string ns) =>
        ProcessRunner.Run("ip", ["netns", "pids", ns], Bound).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p.Trim())).ToList();

    /// <summary>The processes in a host's namespace once the SSH sessions to it have ended (within 5 s): its sshd alone, when nothing was left there.</summary>
    public List<int> LeftRunningOnceSessionsEnd(RigHost host)
    {
        var left = LeftRunning(host.Namespace);
        for (var i = 0; i < 50 && left.Count > 1; i++)
        {
            Thread.Sleep(100);
            left = LeftRunning(host.Namespace);
        }
        return left;
    }

    private static void Ip(string ns, params string[] args) =>
        ProcessRunner.RunChecked(LabCodes.LabNetwork, "ip", ["-n", ns, .. args], Bound);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var host in Hosts)
        {
            if (host.Sshd is not { } sshd) continue;
            try { if (!sshd.HasExited) sshd.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            sshd.WaitForExit(5000);
            sshd.Dispose();
        }
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            // A test that failed half way may leave what it started on a host (a daemonized QEMU outlives sshd).
            foreach (var pid in LeftRunning(ns))
                ProcessRunner.Run("kill", ["-KILL", pid.ToString()], Bound);
            ProcessRunner.Run("ip", ["netns", "del", ns], Bound);
        }
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
