using System.Diagnostics;
using System.Globalization;
using VirtLab.Lab;
using VirtLab.Qemu;
using VirtLab.Ssh;

namespace VirtLab.Migration;

/// <summary>
/// Both QEMUs in one lab namespace on this machine: the stream over its 127.0.0.1, QMP on unix
/// sockets, the cut on its loopback, every generation on its own tap of the one br0, and the
/// namespace itself as the observer.
/// </summary>
public sealed class NamespaceSites(LabState lab, GuestLauncher launcher) : IScenarioSites
{
    private const int FirstPort = 49152;
    private readonly NamespaceSide _observer = new(lab.NetworkNamespace);

    public IHostSide Observer => _observer;

    public void CheckIncoming(string uri) => MigrationRunner.LoopbackPort(uri);

    public string RecoveryUri(string uri) => MigrationRunner.RecoveryUri(uri);

    public bool IsRunning(string guest) => launcher.IsRunning(guest);

    public void StartIncoming(GuestSpec destination, TimeSpan timeout, CancellationToken cancel) => launcher.StartIncoming(destination, timeout, cancel);

    public QmpClient Qmp(string guest, bool outOfBand) => QmpClient.Connect(lab.QmpSocket(guest), TimeSpan.FromSeconds(10), outOfBand);

    public void Stop(string guest) => launcher.Stop(guest);

    public void Kill(string guest)
    {
        if (!launcher.IsRunning(guest) || launcher.Pid(guest) is not { } pid) return;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
    }

    public void CutStream() => LoopbackLink.Down(lab);

    public string StreamCut => "the lab's loopback down";

    public void RestoreStream() => LoopbackLink.Up(lab);

    public TimeSpan ClockOffset(string guest) => TimeSpan.Zero;

    public void SetCurrent(string guest) => GuestIdentity.SetCurrent(lab, guest);

    public GuestSpec Destination(GuestSpec source, string name, int index) =>
        MigrationScenarioRunner.SpecFor(source, name, string.Create(CultureInfo.InvariantCulture, $"tcp:127.0.0.1:{FirstPort + index}"));

    public void AddTap(GuestSpec guest) => new LabNetwork(lab).AddTap(guest.Nics[0].Tap);

    public void DeleteTap(GuestSpec guest) => new LabNetwork(lab).DeleteTap(guest.Nics[0].Tap);

    public BootOutcome Boot(GuestSpec guest, TimeSpan timeout, CancellationToken cancel) => launcher.Boot(guest, timeout, cancel);

    public GuestSsh ConnectGuest(GuestSpec guest, TimeSpan timeout) =>
        GuestSsh.Connect(lab.NetworkNamespace, guest.Address, launcher.PrivateKeyFile, launcher.PinnedHostKeyFile, timeout);

    public (string Raw, string? Port) Fdb(GuestSpec on, string mac)
    {
        var raw = BridgeFdb.Show(lab.NetworkNamespace);
        return (raw, BridgeFdb.PortOf(raw, mac));
    }

    public string CaptureFile(string localPcap)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localPcap))!);
        File.Delete(localPcap);
        return localPcap;
    }

    public void KeepCapture(string captured, string localPcap) { } // written there already

    public string SerialLog(GuestSpec guest)
    {
        try { return File.Exists(guest.SerialLog) ? File.ReadAllText(guest.SerialLog) : ""; }
        catch (IOException) { return ""; }
    }

    public IReadOnlyList<QemuTraceLine> Trace(GuestSpec guest, DateTimeOffset from, DateTimeOffset to) => SwitchoverTrace.Read(guest.TraceLog, from, to);
}
