using VirtLab.Qemu;

namespace VirtLab.Migration;

/// <summary>
/// Where a migration's two QEMUs run and how <see cref="MigrationRunner"/> reaches them: both in
/// one lab namespace (<see cref="NamespaceSites"/>), or each on its own host over SSH
/// (<see cref="Remote.HostPairSites"/>). The runner's protocol — capabilities, migrate, sampling,
/// faults, cancel — is the same for both.
/// </summary>
public interface IMigrationSites
{
    /// <summary>Throws LAB0002 unless <paramref name="uri"/> is an incoming address these sites use.</summary>
    void CheckIncoming(string uri);

    /// <summary>The channel a paused postcopy migration resumes on (the old listener is gone).</summary>
    string RecoveryUri(string uri);

    bool IsRunning(string guest);

    /// <summary>Starts a destination QEMU (-incoming defer) and returns once it reports inmigrate.</summary>
    void StartIncoming(GuestSpec destination, TimeSpan timeout, CancellationToken cancel);

    QmpClient Qmp(string guest, bool outOfBand);

    /// <summary>Stops a QEMU (quit, then kill) and removes what it leaves (pidfile, QMP socket).</summary>
    void Stop(string guest);

    /// <summary>SIGKILL: no goodbye on the migration stream, as when a host dies.</summary>
    void Kill(string guest);

    /// <summary>Cuts the migration stream so its packets vanish (no FIN, no RST), and restores it.</summary>
    void CutStream();
    /// <summary>How the cut is made, for the record ("the lab's loopback down").</summary>
    string StreamCut { get; }
    void RestoreStream();

    /// <summary>The clock of the machine that runs <paramref name="guest"/> minus this one's: its QEMU's event stamps are ahead by this much.</summary>
    TimeSpan ClockOffset(string guest);

    /// <summary>Records which generation runs the guest now.</summary>
    void SetCurrent(string guest);
}
