using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using VirtLab.Sysbench;
using VirtLab.Util;

namespace VirtLab.Iperf;

/// <summary>
/// A validated iperf 2 or iperf3 invocation as a program plus argument list, for ProcessRunner; or,
/// for SSH into a guest, rendered as one POSIX-shell string with every argument quoted when needed.
/// The server is an <see cref="IPAddress"/>, never a host name, so no lookup (and no option
/// injection through a name like "-s") can happen.
/// </summary>
public sealed partial class IperfCommand
{
    public const int MinSeconds = 1;
    public const int MaxSeconds = 3600;
    public const double MinIntervalSeconds = 0.1;
    public const double MaxIntervalSeconds = 60;
    public const int MaxStreams = 64;

    private IperfCommand(string program, IReadOnlyList<string> arguments)
    {
        Program = program;
        Arguments = arguments;
    }

    public string Program { get; }
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>
    /// `iperf -c addr -t s -i s [-w size] [-P n] [-p port]`. An empty or null window keeps the
    /// kernel default; -P is only passed for more than one stream.
    /// </summary>
    public static IperfCommand Iperf2Client(IPAddress server, int seconds, double intervalSeconds,
        string? window = null, int streams = 1, int? port = null, string program = "iperf")
    {
        var args = ClientArguments(server, seconds, intervalSeconds, window, streams, port);
        // iperf 2.0.x only speaks IPv6 when told to; 2.1 accepts -V as well.
        if (server.AddressFamily == AddressFamily.InterNetworkV6) args.Add("-V");
        return new IperfCommand(RequireProgram(program), args);
    }

    /// <summary>`iperf -s [-p port]`.</summary>
    public static IperfCommand Iperf2Server(int? port = null, string program = "iperf") =>
        new(RequireProgram(program), ["-s", .. PortArguments(port)]);

    /// <summary>`iperf3 -c addr -t s -i s [-w size] [-P n] [-R] -J [-p port]`.</summary>
    public static IperfCommand Iperf3Client(IPAddress server, int seconds, double intervalSeconds,
        string? window = null, int streams = 1, bool reverse = false, int? port = null, string program = "iperf3")
    {
        var args = ClientArguments(server, seconds, intervalSeconds, window, streams, port: null);
        if (reverse) args.Add("-R");
        args.Add("-J");
        args.AddRange(PortArguments(port));
        return new IperfCommand(RequireProgram(program), args);
    }

    /// <summary>
    /// `iperf3 -s -1 [-p port]` or `iperf3 -s -D [-I pidFile] [-p port]`. Give a daemon a pid file:
    /// without it the daemon can only be found again by name.
    /// </summary>
    public static IperfCommand Iperf3Server(Iperf3ServerMode mode = Iperf3ServerMode.OneOff, int? port = null,
        string? pidFile = null, string program = "iperf3")
    {
        List<string> args = mode switch
        {
            Iperf3ServerMode.OneOff => ["-s", "-1"],
            Iperf3ServerMode.Daemon => ["-s", "-D"],
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        if (pidFile is not null)
        {
            if (mode != Iperf3ServerMode.Daemon)
                throw Bad("An iperf3 pid file (-I) is only written by a daemon (-D).", "drop the pid file or use Iperf3ServerMode.Daemon.");
            args.AddRange(["-I", RequirePath(pidFile)]);
        }
        args.AddRange(PortArguments(port));
        return new IperfCommand(RequireProgram(program), args);
    }

    /// <summary>The whole command as one string for a remote POSIX shell (e.g. an SSH exec request).</summary>
    public string ToShellString() => SysbenchCommand.ShellJoin([Program, .. Arguments]);

    private static List<string> ClientArguments(IPAddress server, int seconds, double intervalSeconds, string? window, int streams, int? port)
    {
        var args = new List<string> { "-c", RequireAddress(server), "-t", RequireSeconds(seconds), "-i", RequireInterval(intervalSeconds) };
        if (!string.IsNullOrEmpty(window)) args.AddRange(["-w", RequireWindow(window)]);
        if (RequireStreams(streams) > 1) args.AddRange(["-P", Invariant(streams)]);
        args.AddRange(PortArguments(port));
        return args;
    }

    private static string RequireAddress(IPAddress? server)
    {
        if (server is null)
            throw Bad("The iperf server address is missing.", "give the server's IP address, e.g. 10.1.1.1.");
        if (server.Equals(IPAddress.Any) || server.Equals(IPAddress.IPv6Any) || server.Equals(IPAddress.Broadcast))
            throw Bad($"'{server}' cannot be connected to as an iperf server.", "give the server's own IP address, e.g. 10.1.1.1.");
        return server.ToString();
    }

    private static string RequireSeconds(int seconds)
    {
        if (seconds is < MinSeconds or > MaxSeconds)
            throw Bad($"iperf -t must be {MinSeconds}–{MaxSeconds} seconds, not {Invariant(seconds)}.", "set the iperf duration to 1–3600 seconds.");
        return Invariant(seconds);
    }

    private static string RequireInterval(double seconds)
    {
        if (!(seconds is >= MinIntervalSeconds and <= MaxIntervalSeconds))
            throw Bad($"iperf -i must be {MinIntervalSeconds.ToString(CultureInfo.InvariantCulture)}–{MaxIntervalSeconds.ToString(CultureInfo.InvariantCulture)} seconds, not {seconds.ToString(CultureInfo.InvariantCulture)}.",
                "set the report interval to 0.1–60 seconds (e.g. 2, or 0.5 to follow a migration).");
        return seconds.ToString(CultureInfo.InvariantCulture);
    }

    private static string RequireWindow(string window)
    {
        if (!SizePattern().IsMatch(window) || window.TrimEnd('K', 'M', 'G').All(c => c == '0'))
            throw Bad($"iperf -w '{window}' is not a size.", "write the TCP window as digits with an optional K, M or G suffix, e.g. 416K or 100M.");
        return window;
    }

    private static int RequireStreams(int streams)
    {
        if (streams is < 1 or > MaxStreams)
            throw Bad($"iperf -P must be 1–{MaxStreams} streams, not {Invariant(streams)}.", "set the number of parallel streams to 1–64.");
        return streams;
    }

    private static string[] PortArguments(int? port)
    {
        if (port is null) return [];
        if (port is < 1 or > 65535)
            throw Bad($"iperf -p {Invariant(port.Value)} is not a TCP port.", "use a port from 1 to 65535 (iperf 2 defaults to 5001, iperf3 to 5201).");
        return ["-p", Invariant(port.Value)];
    }

    private static string RequirePath(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0') || path.StartsWith('-'))
            throw Bad($"'{path}' is not a usable pid file path.", "give an absolute path such as /run/iperf3.pid.");
        return path;
    }

    private static string RequireProgram(string program)
    {
        if (string.IsNullOrWhiteSpace(program) || program.Contains('\0'))
            throw Bad("The iperf program path is empty or invalid.", "set it to 'iperf', 'iperf3' or an absolute path such as /usr/bin/iperf3.");
        return program;
    }

    private static LabException Bad(string message, string fix) => new(LabCodes.ConfigBadValue, message, fix);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    // \z, not $: $ would also accept a trailing newline.
    [GeneratedRegex(@"\A[0-9]+[KMG]?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();
}
