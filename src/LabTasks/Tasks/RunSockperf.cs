using System.Globalization;
using System.Net;
using Microsoft.Build.Framework;
using VirtLab.Lab;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Sockperf;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Measures TCP request/response latency with sockperf ping-pong between the lab guest and the
/// host side of br0 (guest-to-host: the guest sends the requests; host-to-guest: the host side
/// does), or on loopback inside the lab namespace for the host reference. Round-trip percentiles
/// become records; raw outputs are kept; a cell's records are written only when all its repeats succeeded.
/// </summary>
public sealed class RunSockperf : MeasuringTask
{
    [Required] public ITaskItem[] Cells { get; set; } = [];
    [Required] public string Experiment { get; set; } = "";
    [Required] public string HostFingerprint { get; set; } = "";
    [Required] public string Namespace { get; set; } = "";
    /// <summary>The VirtLabGuest item (see <see cref="LabGuest"/>).</summary>
    [Required] public ITaskItem Guest { get; set; } = null!;
    public string Profile { get; set; } = "default";
    [Required] public int DurationSeconds { get; set; }
    [Required] public int MessageSize { get; set; }

    private LabGuest? _guest;
    private LabGuest LabGuest => _guest ??= LabGuest.From(Guest);
    private LabCommand Lab => new(new LabState(Namespace).NetworkNamespace);
    private TimeSpan RunTimeout => TimeSpan.FromSeconds(DurationSeconds * 3 + 60);

    protected override string LabNamespace => Namespace;

    protected override void Run()
    {
        using var ssh = Cells.Any(c => c.GetMetadata("Nic") != "loopback") ? LabGuest.Ssh(new LabState(Namespace)) : null;
        foreach (var cell in Cells)
        {
            var nic = cell.GetMetadata("Nic");
            var direction = cell.GetMetadata("Direction");
            MeasureRepeats(cell, "tcp_rr_latency_p50", $"{Experiment} sockperf {nic} {direction}", (repeat, rawDirectory) =>
            {
                var time = DateTimeOffset.UtcNow;
                var output = nic == "loopback" ? ClientInLab(IPAddress.Loopback)
                    : direction == "guest-to-host" ? ClientInGuest(ssh!)
                    : ServerInGuest(ssh!);
                var rawFile = Path.Combine(rawDirectory, $"sockperf-{nic}-{direction}-{repeat.RawName}.txt");
                var result = KeepAndParse(rawFile, output, SockperfOutputParser.Parse);
                if (repeat.IsWarmup) return [];
                Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture,
                    $"VirtLab: {Experiment} sockperf {nic} {direction} repeat {repeat.Number}/{Policy}: p50 {result.P50Us:0.0} µs, p99 {result.P99Us:0.0} µs round trip"));
                return SockperfRecords.From(result, Labels(cell, repeat.Number, rawFile), time);
            });
        }
    }

    /// <summary>The server listens on the host side of br0 (or loopback) in the lab namespace; the client runs there or in the guest.</summary>
    private string ClientInLab(IPAddress server)
    {
        var command = SockperfCommand.Server(server);
        using var listener = Lab.StartServer(command.Program, command.Arguments);
        Lab.WaitForListening(SockperfCommand.DefaultPort, "sockperf");
        var client = PingPong(server);
        return Lab.Run(client.Program, client.Arguments, RunTimeout, Cancellation).StandardOutput;
    }

    private string ClientInGuest(GuestSsh ssh)
    {
        var command = SockperfCommand.Server(LabGuest.HostAddress);
        using var listener = Lab.StartServer(command.Program, command.Arguments);
        Lab.WaitForListening(SockperfCommand.DefaultPort, "sockperf");
        // sockperf prints errors to stdout and exits 0 on a refused connection: the parser decides.
        return ssh.Run(PingPong(LabGuest.HostAddress).ToShellString(), RunTimeout, Cancellation).StandardOutput;
    }

    /// <summary>The host side sends the requests: the server runs in the guest, in the background, until the client is done.</summary>
    private string ServerInGuest(GuestSsh ssh)
    {
        var server = SockperfCommand.Server(LabGuest.Address).ToShellString();
        var port = SockperfCommand.DefaultPort.ToString(CultureInfo.InvariantCulture);
        var start = ssh.Run($"{server} >/tmp/sockperf-server.txt 2>&1 & pid=$!; "
                            + $"for i in $(seq 100); do netstat -ltn | grep -q ':{port} ' && echo $pid && exit 0; sleep 0.1; done; kill $pid; exit 1",
            TimeSpan.FromSeconds(30), Cancellation);
        if (start.ExitCode != 0)
            throw new LabException(LabCodes.Benchmark, $"sockperf server did not listen in the guest within 10 s: {ProcessRunner.Tail(start.StandardError + start.StandardOutput)}",
                "see the guest's serial log.");
        try
        {
            var client = PingPong(LabGuest.Address);
            return Lab.Run(client.Program, client.Arguments, RunTimeout, Cancellation).StandardOutput;
        }
        finally
        {
            ssh.Run($"kill {int.Parse(start.StandardOutput.Trim(), CultureInfo.InvariantCulture)}", TimeSpan.FromSeconds(20));
        }
    }

    private SockperfCommand PingPong(IPAddress server) => SockperfCommand.PingPong(server, DurationSeconds, MessageSize);

    private SortedDictionary<string, string> Labels(ITaskItem cell, int repeat, string rawFile)
    {
        var nic = cell.GetMetadata("Nic");
        var labels = CellLabels.For(cell, Experiment, Profile, HostFingerprint);
        labels["workload"] = "tcp-rr";
        labels["nic"] = nic;
        labels["direction"] = cell.GetMetadata("Direction");
        labels["repeat"] = repeat.ToString(CultureInfo.InvariantCulture);
        labels["raw"] = Path.GetFileName(rawFile);
        labels["duration_seconds"] = DurationSeconds.ToString(CultureInfo.InvariantCulture);
        labels["message_size"] = MessageSize.ToString(CultureInfo.InvariantCulture);
        // The QEMU build and the guest are the guest's side: the loopback reference runs on neither.
        if (nic != "loopback")
        {
            QemuBinary.AddLabels(labels);
            LabGuest.AddLabels(labels);
        }
        return labels;
    }
}
