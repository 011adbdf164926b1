using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// Where the host side of a workload or probe runs — the lab namespace on this machine
/// (<see cref="NamespaceSide"/>) or a remote host over SSH (<see cref="Remote.RemoteLab"/>) — so
/// a workload is written once for both.
/// </summary>
public interface IHostSide
{
    IHostProcess Start(string program, IReadOnlyList<string> arguments);
    ProcessResult Run(string program, IReadOnlyList<string> arguments, TimeSpan timeout);

    /// <summary>The side's clock minus this machine's: what its own stamps (tcpdump -tt, QEMU's events) are ahead by.</summary>
    TimeSpan ClockOffset { get; }

    /// <summary>
    /// True when its helpers' output reaches this machine over a network (SSH): a line arrives later
    /// than it was printed, and in bursts, so a probe that times events stamps them there instead.
    /// </summary>
    bool RelaysOutput { get; }
}
