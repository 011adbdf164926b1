using VirtLab.Config;
using VirtLab.Qemu;
using VirtLab.Ssh;

namespace VirtLab.Remote;

/// <summary>
/// A guest session on a lab.yaml host (cells with Host="kvm-box"): one SSH connection, an isolated
/// lab there (a bridge of VirtLab's own with the lab address, no NIC: the guest talks to its host
/// only), and — for guest cells — the session's guest booted there, reached through the host.
/// The measuring task runs its commands on <see cref="Lab"/> and in <see cref="ConnectGuest"/>.
/// Disposing stops everything and undoes the lab (the host's watchdog would, if this build died).
/// </summary>
public sealed class RemoteGuestSession : IDisposable
{
    private readonly RemoteHost _host;
    private readonly string _privateKeyFile;
    private readonly string _pinnedHostKeyFile;

    private RemoteGuestSession(RemoteHost host, RemoteLab lab, string privateKeyFile, string pinnedHostKeyFile)
    {
        _host = host;
        Lab = lab;
        _privateKeyFile = privateKeyFile;
        _pinnedHostKeyFile = pinnedHostKeyFile;
    }

    public string HostName => _host.Name;
    public RemoteLab Lab { get; }
    /// <summary>The session's guest (null: the cells run on the host itself).</summary>
    public GuestSpec? Guest { get; private set; }
    /// <summary>Why the guest did not boot there (a KVM guest on a host whose KVM does not work), or null.</summary>
    public string? BootFailure { get; private set; }
    /// <summary>The host's QEMU version, for the guest records' labels.</summary>
    public string QemuVersion { get; private set; } = "";

    /// <param name="guest">The session's guest, booted there; null for cells on the host itself.</param>
    /// <param name="tools">What the host must have besides what guests need (e.g. sysbench for host cells).</param>
    public static RemoteGuestSession Open(LabConfig lab, string hostName, RemoteHostOptions options, GuestSpec? guest, string privateKeyFile, string pinnedHostKeyFile,
        IEnumerable<string> tools, TimeSpan bootTimeout, CancellationToken cancel, Action<string>? log = null)
    {
        var host = RemoteHost.Connect(lab, hostName, options);
        RemoteLab? remote = null;
        try
        {
            var gateway = guest is null ? "10.1.1.254/24" : $"{guest.Gateway}/{guest.PrefixLength}";
            remote = RemoteLab.Open(host, gateway, log, isolated: true, tools: [.. RemoteLab.GuestTools, .. tools]);
            var session = new RemoteGuestSession(host, remote, privateKeyFile, pinnedHostKeyFile);
            if (guest is not null) session.BootGuest(guest, bootTimeout, cancel, log);
            return session;
        }
        catch
        {
            remote?.Dispose();
            host.Dispose();
            throw;
        }
    }

    private void BootGuest(GuestSpec guest, TimeSpan timeout, CancellationToken cancel, Action<string>? log)
    {
        QemuVersion = Lab.QemuVersion();
        Lab.AddTap(guest.Nics[0].Tap);
        var outcome = Lab.Boot(guest, _privateKeyFile, _pinnedHostKeyFile, timeout, cancel);
        Lab.CopyConsole(guest);
        if (outcome.Ready)
        {
            Guest = guest;
            log?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{guest.Name} ({guest.Accel}) answered SSH on host {HostName} {outcome.Seconds:0.0} s after QEMU started."));
            return;
        }
        Lab.Stop(guest.Name);
        BootFailure = $"the {guest.Accel.ToUpperInvariant()} guest did not boot on host '{HostName}': {outcome.Detail}{(outcome.SerialTail.Length > 0 ? " Last console lines: " + Util.LabException.OneLine(outcome.SerialTail) : "")}";
    }

    public GuestSsh ConnectGuest() =>
        Lab.ConnectGuest((Guest ?? throw new InvalidOperationException("the session has no guest")).Address, _privateKeyFile, _pinnedHostKeyFile, TimeSpan.FromSeconds(30));

    public void AddLabels(IDictionary<string, string> labels)
    {
        labels["host"] = HostName;
        if (Guest is null) return;
        labels["qemu_build"] = "host";
        labels["qemu_version"] = QemuVersion;
    }

    public void Dispose()
    {
        if (Guest is { } guest) Lab.Stop(guest.Name);
        Lab.Dispose();
        _host.Dispose();
    }
}
