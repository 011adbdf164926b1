using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Remote;

/// <summary>
/// A migration scenario between two hosts, as the homework ran it: each generation of the guest
/// runs on one of them (the first guest on <paramref name="home"/>, every migration to the host
/// the guest is not on), each host in host-NIC mode, the stream over their LAN addresses, and
/// the observer — a third host, or the home host when there is none — pinging, capturing and
/// streaming to the guest across the LAN. A cut blackholes the destination's LAN address on the
/// source host: the stream's packets vanish, the hosts' SSH sessions (from this machine) stay.
/// </summary>
public sealed partial class HostPairSites(RemoteLab home, RemoteLab away, RemoteLab observer, string privateKeyFile, string pinnedHostKeyFile) : IScenarioSites
{
    private const int FirstPort = 49152;
    private readonly Dictionary<string, RemoteLab> _placement = [];
    private (RemoteLab From, RemoteLab To)? _migrating;

    public IHostSide Observer => observer;

    /// <summary>The host the scenario's first guest boots on, and the other one.</summary>
    public RemoteLab Home => home;
    public RemoteLab Away => away;

    /// <summary>The generation that runs the guest now (set after each migration).</summary>
    public string Current { get; private set; } = "";

    /// <summary>The host that runs <paramref name="guest"/>: where a migration placed it, else the home host.</summary>
    public RemoteLab Where(string guest) => _placement.TryGetValue(guest, out var lab) ? lab : home;

    private RemoteLab Other(RemoteLab lab) => ReferenceEquals(lab, home) ? away : home;

    [GeneratedRegex(@"^tcp:(?<address>[0-9.]+):(?<port>[0-9]{1,5})$")]
    private static partial Regex StreamUri();

    public void CheckIncoming(string uri) => Parse(uri);

    private (IPAddress Address, int Port) Parse(string uri)
    {
        var m = StreamUri().Match(uri);
        var port = m.Success ? int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture) : 0;
        if (port is < 1 or > 65535 || !IPAddress.TryParse(m.Groups["address"].Value, out var address)
            || !(address.Equals(home.LanAddress) || address.Equals(away.LanAddress)))
            throw new LabException(LabCodes.ConfigBadValue, $"'{uri}' is not a migration address VirtLab uses between hosts '{home.Name}' and '{away.Name}'.",
                $"give the destination Incoming = tcp:<its host's LAN address ({home.LanAddress} or {away.LanAddress})>:<port>.");
        return (address, port);
    }

    public string RecoveryUri(string uri)
    {
        var (address, port) = Parse(uri);
        return string.Create(CultureInfo.InvariantCulture, $"tcp:{address}:{(port + 1000 <= 65535 ? port + 1000 : port - 1000)}");
    }

    public GuestSpec Destination(GuestSpec source, string name, int index)
    {
        var to = Other(Where(source.Name));
        _placement[name] = to;
        return MigrationScenarioRunner.SpecFor(source, name, string.Create(CultureInfo.InvariantCulture, $"tcp:{to.LanAddress}:{FirstPort + index}"));
    }

    public bool IsRunning(string guest) => Where(guest).IsRunning(guest);

    public void StartIncoming(GuestSpec destination, TimeSpan timeout, CancellationToken cancel)
    {
        var to = Where(destination.Name);
        _migrating = (Other(to), to);
        var started = to.StartQemu(destination);
        if (!started.Succeeded)
            throw new LabException(LabCodes.GuestBoot, $"The migration destination '{destination.Name}' did not start on host '{to.Name}' (exit {started.ExitCode}): {ProcessRunner.Tail(started.StandardError, 400)}",
                "check QEMU on that host (the same qemu-system-x86_64 as the source's is best: a newer destination takes an older source's stream, not the other way round).");
        using var qmp = to.Qmp(destination.Name, timeout);
        var status = qmp.QueryStatus();
        if (status != "inmigrate")
            throw new LabException(LabCodes.Qmp, $"The migration destination '{destination.Name}' on host '{to.Name}' reports '{status}', not 'inmigrate'.", "stop it and start it again with -incoming.");
    }

    public QmpClient Qmp(string guest, bool outOfBand) => Where(guest).Qmp(guest, TimeSpan.FromSeconds(10), outOfBand);

    public void Stop(string guest) => Where(guest).Stop(guest);

    public void Kill(string guest) => Where(guest).Kill(guest);

    public void CutStream()
    {
        var (from, to) = _migrating ?? throw new InvalidOperationException("no migration is running");
        from.Cut(to.LanAddress);
    }

    public string StreamCut => "the LAN route from the source host to the destination's blackholed";

    public void RestoreStream()
    {
        if (_migrating is { } m) m.From.Uncut(m.To.LanAddress);
    }

    public void SetCurrent(string guest) => Current = guest;

    public void AddTap(GuestSpec guest) => Where(guest.Name).AddTap(guest.Nics[0].Tap);

    public void DeleteTap(GuestSpec guest) => Where(guest.Name).DeleteTap(guest.Nics[0].Tap);

    public BootOutcome Boot(GuestSpec guest, TimeSpan timeout, CancellationToken cancel)
    {
        var outcome = Where(guest.Name).Boot(guest, privateKeyFile, pinnedHostKeyFile, timeout, cancel);
        SerialLog(guest); // the console's copy beside the records
        return outcome;
    }

    public GuestSsh ConnectGuest(GuestSpec guest, TimeSpan timeout) => Where(guest.Name).ConnectGuest(guest.Address, privateKeyFile, pinnedHostKeyFile, timeout);

    /// <summary>Each host's br0 (home, away, and the observer's when it is a third host); the port is read on the host running <paramref name="on"/>.</summary>
    public (string Raw, string? Port) Fdb(GuestSpec on, string mac)
    {
        var raw = new StringBuilder();
        string? port = null;
        foreach (var lab in Labs())
        {
            var fdb = lab.Run("bridge", ["fdb", "show", "br", lab.Bridge], TimeSpan.FromSeconds(10)).StandardOutput;
            raw.Append(CultureInfo.InvariantCulture, $"# host {lab.Name} ({lab.LanAddress}), {lab.Bridge}\n").Append(fdb).Append('\n');
            if (ReferenceEquals(lab, Where(on.Name))) port = BridgeFdb.PortOf(fdb, mac);
        }
        return (raw.ToString(), port);
    }

    private IEnumerable<RemoteLab> Labs() => new[] { home, away, observer }.Distinct();

    public string CaptureFile(string localPcap) => $"{observer.Folder}/{Path.GetFileName(localPcap)}";

    public void KeepCapture(string captured, string localPcap) => observer.Host.Download(captured, localPcap);

    /// <summary>The console as the guest's host holds it; a copy lands at the spec's (local) SerialLog, as raw evidence.</summary>
    public string SerialLog(GuestSpec guest) => Where(guest.Name).CopyConsole(guest);

    /// <summary>The trace lines of the guest's host, copied to the spec's TraceLog and moved onto this machine's clock.</summary>
    public IReadOnlyList<QemuTraceLine> Trace(GuestSpec guest, DateTimeOffset from, DateTimeOffset to)
    {
        if (guest.TraceLog is null) return [];
        var lab = Where(guest.Name);
        var text = lab.Read(lab.TraceLog(guest.Name));
        if (text.Length == 0) return [];
        AtomicFile.WriteAllText(guest.TraceLog, text);
        var offset = lab.ClockOffset;
        return SwitchoverTrace.Read(guest.TraceLog, from + offset, to + offset).Select(l => l with { Time = l.Time - offset }).ToList();
    }

    public TimeSpan ClockOffset(string guest) => Where(guest).ClockOffset;

}
