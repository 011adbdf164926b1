using VirtLab.Qemu;
using VirtLab.Ssh;

namespace VirtLab.Migration;

/// <summary>
/// Everything a migration scenario needs beyond the migration itself: where each generation of
/// the guest runs and how it is reached, its taps, the observer that pings, captures and streams
/// to it, the bridges' forwarding databases, and the guest's console and trace logs. One lab
/// namespace (<see cref="NamespaceSites"/>) or two hosts (<see cref="Remote.HostPairSites"/>).
/// </summary>
public interface IScenarioSites : IMigrationSites
{
    /// <summary>The host side that watches and talks to the guest: ping, the announce capture, iperf's client.</summary>
    IHostSide Observer { get; }

    /// <summary>The spec of migration <paramref name="index"/>'s destination: generation <paramref name="name"/> on the other site, with its incoming address.</summary>
    GuestSpec Destination(GuestSpec source, string name, int index);

    void AddTap(GuestSpec guest);
    void DeleteTap(GuestSpec guest);

    BootOutcome Boot(GuestSpec guest, TimeSpan timeout, CancellationToken cancel);

    GuestSsh ConnectGuest(GuestSpec guest, TimeSpan timeout);

    /// <summary>Every bridge's forwarding database (raw text), and the port <paramref name="mac"/> was learned on at the bridge of the site that runs <paramref name="on"/>.</summary>
    (string Raw, string? Port) Fdb(GuestSpec on, string mac);

    /// <summary>Where the observer's announce capture writes its pcap (on the observer's machine).</summary>
    string CaptureFile(string localPcap);

    /// <summary>Puts the capture's pcap (<paramref name="captured"/>, on the observer's machine) at <paramref name="localPcap"/>, beside the records.</summary>
    void KeepCapture(string captured, string localPcap);

    /// <summary>The guest's serial console so far ("" when there is none).</summary>
    string SerialLog(GuestSpec guest);

    /// <summary>The switch-over trace lines of the guest's QEMU between two moments, stamped on this machine's clock.</summary>
    IReadOnlyList<QemuTraceLine> Trace(GuestSpec guest, DateTimeOffset from, DateTimeOffset to);
}
