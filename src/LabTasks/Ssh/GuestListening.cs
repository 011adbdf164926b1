using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Ssh;

/// <summary>
/// Waits inside the guest until something listens on a TCP port. A server started in the
/// background is not ready when the command that started it returns, and under TCG it can take
/// far longer to bind than a client on the host takes to connect. The check reads
/// /proc/net/tcp and /proc/net/tcp6 (state 0A is LISTEN), so it needs only a POSIX shell and grep
/// and sees exactly the network namespace it runs in.
/// </summary>
public static class GuestListening
{
    private const double PollSeconds = 0.1;

    /// <summary>A shell script that exits 0 once the port is listened on, 1 after <paramref name="bound"/>.</summary>
    public static string Script(int port, TimeSpan bound)
    {
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port));
        if (bound <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(bound));
        // /proc/net/tcp prints "local_address rem_address st" as hex "ADDR:PORT ADDR:PORT ST"; a
        // listening socket's remote port is 0000. The port is a validated number: no quoting needed.
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        var tries = ((int)Math.Ceiling(bound.TotalSeconds / PollSeconds)).ToString(CultureInfo.InvariantCulture);
        return $"i=0; until cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -qE ':{hexPort} [0-9A-F]+:0000 0A '; do "
               + $"i=$((i+1)); [ $i -ge {tries} ] && exit 1; sleep {PollSeconds.ToString(CultureInfo.InvariantCulture)}; done";
    }

    /// <summary>True once the guest listens on <paramref name="port"/>; false when <paramref name="bound"/> passed first.</summary>
    public static bool Wait(GuestSsh ssh, int port, TimeSpan bound, CancellationToken cancel = default) =>
        ssh.Run(Script(port, bound), bound + TimeSpan.FromSeconds(30), cancel).ExitCode == 0;
}
