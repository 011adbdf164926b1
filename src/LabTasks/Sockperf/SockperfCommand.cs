using System.Globalization;
using System.Net;
using System.Net.Sockets;
using VirtLab.Sysbench;
using VirtLab.Util;

namespace VirtLab.Sockperf;

/// <summary>
/// A validated sockperf TCP server or ping-pong client as a program plus argument list, for
/// ProcessRunner; or, for SSH into a guest, rendered as one POSIX-shell string with every argument
/// quoted when needed. Addresses are <see cref="IPAddress"/> values, never host names.
/// </summary>
public sealed class SockperfCommand
{
    public const int DefaultPort = 11111;
    /// <summary>Not 1: with --no-rdtsc sockperf 3.7 discards about 1.1 s of every run (see PingPong).</summary>
    public const int MinSeconds = 3;
    public const int MaxSeconds = 3600;

    /// <summary>sockperf's own minimum: the message header (MsgHeader::EFFECTIVE_SIZE).</summary>
    public const int MinMessageSize = 14;

    /// <summary>
    /// A server started without -m drops larger messages and closes the connection (its
    /// MAX_PAYLOAD_SIZE), although the TCP client itself would accept up to 1 MiB − 1.
    /// </summary>
    public const int MaxMessageSize = 65507;

    private SockperfCommand(string program, IReadOnlyList<string> arguments)
    {
        Program = program;
        Arguments = arguments;
    }

    public string Program { get; }
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>
    /// `sockperf server --tcp -i addr -p port`, in the foreground: the caller runs it in the
    /// background and kills it by pid, which --daemonize would make impossible (the daemon is a
    /// new process). SIGINT makes it print a total before exiting; SIGTERM ends it silently.
    /// <paramref name="listen"/> may be 0.0.0.0 to listen on every address.
    /// </summary>
    public static SockperfCommand Server(IPAddress listen, int port = DefaultPort, string program = "sockperf") =>
        new(RequireProgram(program), ["server", "--tcp", "-i", RequireAddress(listen, allowAny: true), "-p", RequirePort(port)]);

    /// <summary>
    /// `sockperf ping-pong --tcp -i addr -p port -t s -m size [--full-rtt] --no-rdtsc`. With
    /// <paramref name="fullRtt"/> (the default) sockperf reports round-trip times; without it, it
    /// halves every round trip and calls that latency.
    /// </summary>
    /// <remarks>
    /// --no-rdtsc: by default sockperf times with the TSC, calibrated once against the clock over a
    /// 0.1 s sleep at start-up. In a TCG guest the TSC is emulated and a descheduled vCPU skews that
    /// one calibration; KVM and TCG guests would also be timed by different means. The monotonic
    /// clock is what the guest kernel keeps right. Cost: a clock read per timestamp, and sockperf 3.7
    /// then scales its 0.45 s warm-up/cool-down cut by the TSC GHz: 1.1 s on a 2.4 GHz host, where
    /// -t 1 ends in "No valid observations found".
    /// </remarks>
    public static SockperfCommand PingPong(IPAddress server, int seconds, int messageSize, int port = DefaultPort,
        bool fullRtt = true, string program = "sockperf")
    {
        var args = new List<string>
        {
            "ping-pong", "--tcp", "-i", RequireAddress(server, allowAny: false), "-p", RequirePort(port),
            "-t", RequireSeconds(seconds), "-m", RequireMessageSize(messageSize),
        };
        if (fullRtt) args.Add("--full-rtt");
        args.Add("--no-rdtsc");
        return new SockperfCommand(RequireProgram(program), args);
    }

    /// <summary>The whole command as one string for a remote POSIX shell (e.g. an SSH exec request).</summary>
    public string ToShellString() => SysbenchCommand.ShellJoin([Program, .. Arguments]);

    private static string RequireAddress(IPAddress? address, bool allowAny)
    {
        if (address is null)
            throw Bad("The sockperf address is missing.", "give an IPv4 address, e.g. 10.1.1.1.");
        // IPv6 arrived in sockperf 3.8; the guests' 3.7 takes IPv4 literals only.
        if (address.AddressFamily != AddressFamily.InterNetwork)
            throw Bad($"sockperf -i '{address}' is not an IPv4 address.", "give an IPv4 address, e.g. 10.1.1.1 (sockperf 3.7 has no IPv6).");
        if (address.Equals(IPAddress.Broadcast) || IsMulticast(address) || (!allowAny && address.Equals(IPAddress.Any)))
            throw Bad($"'{address}' cannot be {(allowAny ? "listened on" : "connected to")} over TCP by sockperf.",
                "give the server's own IPv4 address, e.g. 10.1.1.1.");
        return address.ToString();
    }

    private static bool IsMulticast(IPAddress address) => address.GetAddressBytes()[0] is >= 224 and <= 239;

    private static string RequirePort(int port)
    {
        if (port is < 1 or > 65535)
            throw Bad($"sockperf -p {Invariant(port)} is not a TCP port.", $"use a port from 1 to 65535 (sockperf defaults to {DefaultPort}).");
        return Invariant(port);
    }

    private static string RequireSeconds(int seconds)
    {
        if (seconds is < MinSeconds or > MaxSeconds)
            throw Bad($"sockperf -t must be {MinSeconds}–{MaxSeconds} seconds, not {Invariant(seconds)}.", $"set the sockperf duration to {MinSeconds}–{MaxSeconds} seconds (10 or more gives a steadier tail).");
        return Invariant(seconds);
    }

    private static string RequireMessageSize(int size)
    {
        if (size is < MinMessageSize or > MaxMessageSize)
            throw Bad($"sockperf -m must be {MinMessageSize}–{MaxMessageSize} bytes, not {Invariant(size)}.",
                $"set the message size to {MinMessageSize}–{MaxMessageSize} bytes ({MinMessageSize} is sockperf's header alone).");
        return Invariant(size);
    }

    private static string RequireProgram(string program)
    {
        if (string.IsNullOrWhiteSpace(program) || program.Contains('\0'))
            throw Bad("The sockperf program path is empty or invalid.", "set it to 'sockperf' or an absolute path such as /usr/bin/sockperf.");
        return program;
    }

    private static LabException Bad(string message, string fix) => new(LabCodes.ConfigBadValue, message, fix);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
