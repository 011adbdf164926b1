using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Renci.SshNet;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Remote;

/// <summary>
/// VirtLab's footprint on one remote host for one build: a run folder under
/// <see cref="Root"/> (pid files, serial and trace logs, what was changed), host-NIC mode on the
/// host's LAN NIC, taps, QEMU daemonized with its QMP on the host's 127.0.0.1 (reached through an
/// SSH-forwarded port), helpers (ping, tcpdump, iperf3) marked VIRTLAB_RUN=&lt;folder&gt;, and a
/// watchdog that undoes all of it when this build's SSH session drops. Disposing undoes it now.
/// Nothing here assumes a file system shared with the build: files go up by SFTP into the host's
/// content-addressed cache, logs come back over SSH.
/// </summary>
public sealed class RemoteLab : IHostSide, IDisposable
{
    public const string Root = "/run/virtlab/remote";
    /// <summary>The bridge of host-NIC mode, as the homework named it.</summary>
    public const string HostNicBridge = "br0";
    /// <summary>The bridge of an isolated lab on a host (no NIC): a name of VirtLab's own, so a host's own br0 is never touched.</summary>
    public const string IsolatedBridge = "virtlab0";
    /// <summary>What a host must have for a migration to run there (host-NIC mode, QEMU, the observers).</summary>
    public static readonly string[] Tools = ["ip", "bridge", "qemu-system-x86_64", "busybox", "ping", "tcpdump", "iperf3", "sha256sum", "awk", "sed"];
    /// <summary>What a host must have to run guests of its own (an isolated lab).</summary>
    public static readonly string[] GuestTools = ["ip", "qemu-system-x86_64", "sha256sum", "sed"];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly SshCommand _watchdog;
    private readonly IAsyncResult _watchdogRunning;
    private readonly Dictionary<string, string> _uploaded = [];
    private readonly Dictionary<string, int> _qmpPorts = [];
    private bool _disposed;

    private RemoteLab(RemoteHost host, string folder, SshCommand watchdog, IAsyncResult watchdogRunning)
    {
        Host = host;
        Folder = folder;
        _watchdog = watchdog;
        _watchdogRunning = watchdogRunning;
    }

    public RemoteHost Host { get; }
    public string Name => Host.Name;
    /// <summary>This run's folder on the host, e.g. /run/virtlab/remote/3f2a…; also the mark of everything it started there.</summary>
    public string Folder { get; }
    public string Mark => $"VIRTLAB_RUN={Folder}";
    /// <summary>The host's address on the LAN (its NIC's first IPv4 address, now on br0): where a migration stream to it goes.</summary>
    public IPAddress LanAddress { get; private set; } = IPAddress.None;
    /// <summary>The lab address br0 carries on this host (e.g. 10.1.1.254/24).</summary>
    public string LabAddress { get; private set; } = "";
    public string Nic { get; private set; } = "";
    /// <summary>The bridge the guests' taps join: br0 in host-NIC mode, virtlab0 in an isolated lab.</summary>
    public string Bridge { get; private set; } = HostNicBridge;
    /// <summary>The host's clock against this machine's (NTP-style over SSH), so its stamps share one time axis.</summary>
    public Remote.ClockOffset Clock { get; private set; } = new(0, 0, 0);
    /// <summary>Run folders of earlier builds this one found abandoned and cleaned.</summary>
    public IReadOnlyList<string> Reaped { get; private set; } = [];

    /// <summary>
    /// Makes the host ready: root and tools checked, abandoned runs reaped, a run folder and its
    /// watchdog, host-NIC mode with <paramref name="labAddress"/> on br0 (or, <paramref name="isolated"/>,
    /// a bridge of its own with the lab address and no NIC), the clock offset measured.
    /// </summary>
    /// <param name="tools">What must be there (default: <see cref="Tools"/>, or <see cref="GuestTools"/> when isolated).</param>
    public static RemoteLab Open(RemoteHost host, string labAddress, Action<string>? log = null, bool isolated = false, IEnumerable<string>? tools = null)
    {
        host.CheckRoot();
        host.CheckTools(tools ?? (isolated ? GuestTools : Tools));
        Run(host, ["mkdir", "-p", "-m", "0700", Root], "creating " + Root);
        var swept = Run(host, ["sh", "-c", RemoteLabScripts.Reap, "sh", Root], "reaping abandoned runs").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var d in swept) log?.Invoke($"host {host.Name}: cleaned {d}, left by a build that ended without cleaning up");

        var folder = $"{Root}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        Run(host, ["mkdir", "-m", "0700", folder, $"{folder}/pids"], "creating the run folder");
        var (watchdog, running) = host.Start(["sh", "-c", RemoteLabScripts.Watchdog, "sh", folder]);
        var lab = new RemoteLab(host, folder, watchdog, running) { Reaped = swept };
        try
        {
            lab.WaitForWatchdog();
            if (isolated) lab.BridgeIsolated(labAddress);
            else lab.BridgeNic(labAddress);
            lab.Clock = Remote.ClockOffset.Measure(host);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private void WaitForWatchdog()
    {
        using var reader = new StreamReader(_watchdog.OutputStream, leaveOpen: true);
        var line = Task.Run(reader.ReadLine);
        if (!line.Wait(Bound) || line.Result != "watching")
            throw new LabException(LabCodes.RemoteHost, $"Host '{Name}': VirtLab's watchdog did not start ({LabException.OneLine(_watchdog.Error)}).",
                "the watchdog needs /proc and an sshd session above it; check the host's sshd (ForceCommand, a restricted shell) and build again.");
    }

    private void BridgeIsolated(string labAddress)
    {
        var result = Host.Run(["sh", "-c", RemoteLabScripts.IsolatedBridge, "sh", Folder, IsolatedBridge, labAddress], Bound);
        if (result.ExitCode != 0)
            throw new LabException(LabCodes.LabNetwork, $"Host '{Name}': the lab bridge {IsolatedBridge} could not be made ({LabException.OneLine(result.StandardError)}).",
                $"remove a leftover {IsolatedBridge} there (ip link del {IsolatedBridge}) if no VirtLab build runs, and build again.");
        Bridge = IsolatedBridge;
        LabAddress = labAddress;
    }

    private void BridgeNic(string labAddress)
    {
        var nic = Host.Config.Nic.Length > 0 ? Host.Config.Nic : NicHolding(Host.Config.Address);
        var result = Host.Run(["sh", "-c", RemoteLabScripts.BridgeNic, "sh", Folder, nic, HostNicBridge, labAddress], Bound);
        if (result.ExitCode != 0)
            throw new LabException(LabCodes.LabNetwork,
                $"Host '{Name}': host-NIC mode on {nic} failed ({LabException.OneLine(result.StandardError)}); the NIC was left as it was.",
                $"free {nic} (no bridge named {HostNicBridge}, not a port of another bridge) or name the LAN NIC in hosts.{Name}.nic, and build again.");
        Nic = nic;
        LabAddress = labAddress;
        var addresses = Host.Run(["cat", $"{Folder}/nic.addrs"]).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        LanAddress = addresses.Select(a => IPAddress.TryParse(a.Split('/')[0], out var ip) ? ip : null).FirstOrDefault(ip => ip is not null)
            ?? throw new LabException(LabCodes.LabNetwork, $"Host '{Name}': {nic} has no IPv4 address, so no migration stream can reach the host.", $"give {nic} an address on the LAN (or name another NIC in hosts.{Name}.nic).");
    }

    /// <summary>The interface that holds <paramref name="address"/> on the host (how the build reaches it).</summary>
    private string NicHolding(string address)
    {
        var shown = Host.Run(["ip", "-o", "-4", "addr", "show"]).StandardOutput;
        foreach (var line in shown.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 3 && words[3].Split('/')[0] == address) return words[1];
        }
        throw new LabException(LabCodes.ConfigBadValue, $"Host '{Name}': no interface there holds {address} (it is reached through NAT or another address).",
            $"name the host's LAN NIC in hosts.{Name}.nic.");
    }

    /// <summary>The file's path in the host's content-addressed cache, uploaded once per build (and only when the host lacks it).</summary>
    public string Upload(string localFile)
    {
        if (_uploaded.TryGetValue(localFile, out var remote)) return remote;
        return _uploaded[localFile] = Host.Upload(localFile).RemotePath;
    }

    public void AddTap(string tap) => Run(Host, ["sh", "-c", RemoteLabScripts.AddTap, "sh", Folder, ValidTap(tap), Bridge], $"adding tap {tap}");

    public void DeleteTap(string tap) => Host.Run(["ip", "link", "del", ValidTap(tap)]);

    /// <summary>Makes the stream to <paramref name="address"/> vanish on this host (a blackhole route), until <see cref="Uncut"/>.</summary>
    public void Cut(IPAddress address) => Run(Host, ["sh", "-c", RemoteLabScripts.Cut, "sh", Folder, address.ToString()], $"cutting the route to {address}");

    public void Uncut(IPAddress address) => Host.Run(["sh", "-c", RemoteLabScripts.Uncut, "sh", address.ToString()]);

    /// <summary>Starts QEMU daemonized for <paramref name="guest"/> (its kernel and initramfs uploaded first); QMP listens on the host's 127.0.0.1.</summary>
    public ProcessResult StartQemu(GuestSpec guest)
    {
        var remote = guest with
        {
            Kernel = Upload(guest.Kernel),
            Initramfs = Upload(guest.Initramfs),
            SerialLog = SerialLog(guest.Name),
            TraceLog = guest.TraceLog is null ? null : TraceLog(guest.Name),
            // A build fetched into this machine's cache is not on the host: the host runs its own QEMU.
            Qemu = null,
        };
        Host.Run(["rm", "-f", PidFile(guest.Name)]);
        ProcessResult? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = RandomNumberGenerator.GetInt32(20000, 30000);
            var (program, arguments) = remote.Binary.Command(QemuCommandLine.Build(remote, PidFile(guest.Name), $"tcp:127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
            var started = Host.Run(["env", Mark, Path.GetFileName(program), .. arguments], TimeSpan.FromSeconds(60));
            last = new ProcessResult(started.ExitCode, started.StandardOutput, started.StandardError, TimeSpan.Zero);
            if (started.ExitCode == 0)
            {
                _qmpPorts[guest.Name] = port;
                return last;
            }
            if (!started.StandardError.Contains("Address already in use", StringComparison.Ordinal)) break;
        }
        return last!;
    }

    /// <summary>Starts the guest's QEMU here and waits until its console says ready and it answers SSH (through this host).</summary>
    public BootOutcome Boot(GuestSpec guest, string privateKeyFile, string pinnedHostKeyFile, TimeSpan timeout, CancellationToken cancel)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var started = StartQemu(guest);
        if (!started.Succeeded)
            return new BootOutcome(false, stopwatch.Elapsed.TotalSeconds, $"QEMU did not start on host '{Name}' (exit {started.ExitCode}): {ProcessRunner.Tail(started.StandardError, 400)}", "");
        string Console() => Read(SerialLog(guest.Name));
        while (stopwatch.Elapsed < timeout)
        {
            cancel.ThrowIfCancellationRequested();
            if (!IsRunning(guest.Name))
                return new BootOutcome(false, stopwatch.Elapsed.TotalSeconds, $"QEMU exited during boot on host '{Name}' (kernel panic or QEMU error).", Tail(Console()));
            if (Console().Contains(GuestLauncher.ReadyMarker, StringComparison.Ordinal) && Answers(guest, privateKeyFile, pinnedHostKeyFile))
                return new BootOutcome(true, stopwatch.Elapsed.TotalSeconds, "SSH answered.", Tail(Console()));
            cancel.WaitHandle.WaitOne(500);
        }
        return new BootOutcome(false, stopwatch.Elapsed.TotalSeconds, $"the guest did not answer SSH within {timeout.TotalSeconds:0} s.", Tail(Console()));
    }

    private bool Answers(GuestSpec guest, string privateKeyFile, string pinnedHostKeyFile)
    {
        try
        {
            using var ssh = ConnectGuest(guest.Address, privateKeyFile, pinnedHostKeyFile, TimeSpan.FromSeconds(5));
            return ssh.Run("true", TimeSpan.FromSeconds(10)).ExitCode == 0;
        }
        catch (LabException e) when (e.Code == LabCodes.HostKeyMismatch) { throw; }
        catch (Exception) { return false; }
    }

    private static string Tail(string console) => GuestLauncher.ConsoleTail(console);

    /// <summary>The guest's console as this host holds it, copied to the spec's (local) SerialLog as raw evidence.</summary>
    public string CopyConsole(GuestSpec guest)
    {
        var text = Read(SerialLog(guest.Name));
        if (text.Length > 0) AtomicFile.WriteAllText(guest.SerialLog, text);
        return text;
    }

    /// <summary>The host's QEMU as it reports itself (e.g. 7.2.22).</summary>
    public string QemuVersion() => Qemu.QemuVersion.Parse(Host.Run(["qemu-system-x86_64", "--version"]).StandardOutput);

    public QmpClient Qmp(string guest, TimeSpan timeout, bool outOfBand = false)
    {
        if (!_qmpPorts.TryGetValue(guest, out var port))
            throw new LabException(LabCodes.Qmp, $"Host '{Name}': no QEMU for '{guest}' was started by this build.", "boot the guest first.");
        var forward = Host.Forward("127.0.0.1", port);
        try
        {
            return QmpClient.Connect(forward.Local, $"{Name}:{guest} (QMP tcp:127.0.0.1:{port} there)", timeout, outOfBand).ClosingWith(forward);
        }
        catch
        {
            forward.Dispose();
            throw;
        }
    }

    public bool IsRunning(string guest) => Host.Run(["sh", "-c", RemoteLabScripts.QemuRunning, "sh", PidFile(guest)]).ExitCode == 0;

    public void Kill(string guest) =>
        Host.Run(["sh", "-c", "p=$(cat \"$1\" 2>/dev/null) && grep -q qemu \"/proc/$p/comm\" && kill -KILL \"$p\"; exit 0", "sh", PidFile(guest)]);

    /// <summary>QMP quit, then SIGKILL if QEMU is still there after 10 s.</summary>
    public void Stop(string guest)
    {
        if (IsRunning(guest) && _qmpPorts.ContainsKey(guest))
        {
            try
            {
                using var qmp = Qmp(guest, TimeSpan.FromSeconds(5));
                qmp.Quit();
            }
            catch (Exception e) when (e is LabException or IOException or TimeoutException) { }
            for (var i = 0; i < 50 && IsRunning(guest); i++) Thread.Sleep(200);
        }
        if (IsRunning(guest)) Kill(guest);
        Host.Run(["rm", "-f", PidFile(guest)]);
        _qmpPorts.Remove(guest);
    }

    /// <summary>The guest's SSH, through a forward over this host's session to the guest's address on its br0.</summary>
    public GuestSsh ConnectGuest(IPAddress address, string privateKeyFile, string pinnedHostKeyFile, TimeSpan timeout)
    {
        var forward = Host.Forward(address.ToString(), 22);
        return GuestSsh.ConnectThrough(forward, forward.Local.Port, address, privateKeyFile, pinnedHostKeyFile, timeout);
    }

    /// <summary>A file of the run folder as text ("" when it is not there).</summary>
    public string Read(string remotePath)
    {
        var result = Host.Run(["cat", "--", remotePath]);
        return result.ExitCode == 0 ? result.StandardOutput : "";
    }

    public string SerialLog(string guest) => $"{Folder}/{LabStateName(guest)}.serial.log";
    public string TraceLog(string guest) => $"{Folder}/{LabStateName(guest)}.trace.log";
    private string PidFile(string guest) => $"{Folder}/pids/{LabStateName(guest)}.pid";

    public IHostProcess Start(string program, IReadOnlyList<string> arguments) =>
        RemoteProcess.Start(Host, Mark, $"{Folder}/pids/helper-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.pid", program, arguments);

    public TimeSpan ClockOffset => TimeSpan.FromMilliseconds(Clock.OffsetMilliseconds);

    public bool RelaysOutput => true;

    public ProcessResult Run(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var result = Host.Run([program, .. arguments], timeout);
        return new ProcessResult(result.ExitCode, result.StandardOutput, result.StandardError, TimeSpan.Zero);
    }

    /// <summary>Ends everything this run started on the host and restores its NIC (the watchdog would, when the session drops).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Host.Run(["sh", "-c", RemoteLabScripts.Cleanup, "sh", Folder], Bound);
        }
        catch (LabException)
        {
            // The session is gone: the watchdog cleans when it sees that; the next build reaps what is left.
        }
        _watchdogRunning.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5));
        _watchdog.Dispose();
    }

    private static string LabStateName(string guest) => Lab.LabState.ValidGuest(guest);

    private static string ValidTap(string tap)
    {
        Lab.InterfaceName.Validate(tap, "tap");
        return tap;
    }

    private static Ssh.CommandResult Run(RemoteHost host, IReadOnlyList<string> argv, string what)
    {
        var result = host.Run(argv, Bound);
        if (result.ExitCode != 0)
            throw new LabException(LabCodes.RemoteHost, $"Host '{host.Name}': {what} failed (exit {result.ExitCode}: {LabException.OneLine(result.StandardError)}).",
                "check the host (disk, /run, root) and build again.");
        return result;
    }
}
