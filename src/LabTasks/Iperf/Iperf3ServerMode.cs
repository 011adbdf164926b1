namespace VirtLab.Iperf;

/// <summary>How an iperf3 server runs: for exactly one test (-1) or as a daemon (-D).</summary>
public enum Iperf3ServerMode
{
    OneOff,
    Daemon,
}
