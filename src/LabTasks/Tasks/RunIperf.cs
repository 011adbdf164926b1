using System.Globalization;
using System.Net;
using Microsoft.Build.Framework;
using VirtLab.Iperf;
using VirtLab.Lab;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Ssh;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Measures TCP throughput between the lab guest and the host side of br0 (the server side runs
/// in the lab namespace), or on loopback inside the lab namespace for the host reference. The QEMU
/// process's CPU time, per thread, is read from /proc around each run; after a guest cell's repeats
/// one extra device counting run traces the NIC's work. Raw outputs are kept; a cell's records are
/// written (atomically) only when all its repeats succeeded.
/// </summary>
public sealed class RunIperf : MeasuringTask
{
    private const int Port = 5201;
    private static readonly TimeSpan ServerStartBound = TimeSpan.FromSeconds(10);
    private const string GuestServerLog = "/tmp/virtlab-iperf2-server.log";

    [Required] public ITaskItem[] Cells { get; set; } = [];
    [Required] public string Experiment { get; set; } = "";
    [Required] public string HostFingerprint { get; set; } = "";
    [Required] public string Namespace { get; set; } = "";
    [Required] public string GuestName { get; set; } = "";
    /// <summary>The VirtLabGuest item (see <see cref="LabGuest"/>).</summary>
    [Required] public ITaskItem Guest { get; set; } = null!;
    public string Profile { get; set; } = "default";
    public string Tool { get; set; } = "iperf3";
    [Required] public int DurationSeconds { get; set; }
    [Required] public double IntervalSeconds { get; set; }
    public string Window { get; set; } = "";
    public int Streams { get; set; } = 1;

    private LabGuest? _guest;
    private LabGuest LabGuest => _guest ??= LabGuest.From(Guest);
    private LabCommand Lab => new(new LabState(Namespace).NetworkNamespace);
    private TimeSpan RunTimeout => TimeSpan.FromSeconds(DurationSeconds * 3 + 60);

    /// <summary>The warm-up run's length: long enough for TCP's window to open and the NIC's code to be translated.</summary>
    private const int WarmupSeconds = 2;
    private int _runSeconds;

    protected override string LabNamespace => Namespace;

    protected override void Run()
    {
        if (Tool is not ("iperf3" or "iperf2"))
            throw new LabException(LabCodes.ConfigBadValue, $"IperfTool '{Tool}' is not iperf3 or iperf2.", "pass -p:IperfTool=iperf3 (default) or -p:IperfTool=iperf2.");
        var guestCells = Cells.Where(c => c.GetMetadata("Nic") != "loopback").ToList();
        using var ssh = guestCells.Count == 0 ? null : LabGuest.Ssh(new LabState(Namespace));
        var qemuPid = guestCells.Count == 0 ? null : LabGuest.Launcher(new LabState(Namespace)).Pid(GuestName);

        foreach (var cell in Cells)
        {
            var nic = cell.GetMetadata("Nic");
            var direction = cell.GetMetadata("Direction");
            MeasureRepeats(cell, "throughput", $"{Experiment} {nic} {direction}", (repeat, rawDirectory) =>
            {
                _runSeconds = repeat.IsWarmup ? Math.Min(WarmupSeconds, DurationSeconds) : DurationSeconds;
                var time = DateTimeOffset.UtcNow;
                var cpuBefore = qemuPid is { } p1 ? ProcessCpuTime.Seconds(p1) : (double?)null;
                var threadsBefore = qemuPid is { } p3 ? QemuThreadCpu.Read(p3) : null;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var (output, result) = RunOnce(nic, direction, ssh);
                var seconds = clock.Elapsed.TotalSeconds;
                var cpu = qemuPid is { } p2 && cpuBefore is { } before ? ProcessCpuTime.Seconds(p2) - before : (double?)null;
                var cores = qemuPid is { } p4 && threadsBefore is not null ? QemuThreadCpu.CoresByRole(p4, threadsBefore, QemuThreadCpu.Read(p4), seconds) : null;
                var rawFile = Path.Combine(rawDirectory, $"{nic}-{direction}-{repeat.RawName}.{RawExtension}");
                AtomicFile.WriteAllText(rawFile, output);
                if (repeat.IsWarmup) return [];
                var cost = cores is { } c
                    ? string.Create(CultureInfo.InvariantCulture, $", QEMU's vCPU threads {c[QemuThreadRole.Vcpu]:0.00} cores, main loop {c[QemuThreadRole.Main]:0.00}")
                    : "";
                Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture,
                    $"VirtLab: {Experiment} {nic} {direction} repeat {repeat.Number}/{Policy}: {result.Summary.BitsPerSecond / 1e9:0.000} Gbit/s{cost}"));
                return IperfRecords.From(result, cpu, Labels(cell, repeat.Number, rawFile), time, cores);
            }, nic == "loopback" ? null : rawDirectory => DeviceCount(cell, nic, direction, ssh!, rawDirectory));
        }
    }

    private string RawExtension => Tool == "iperf3" ? "json" : "txt";

    private (string Output, IperfResult Result) RunOnce(string nic, string direction, GuestSsh? ssh) => nic == "loopback" ? Loopback() : direction switch
    {
        "guest-to-host" => GuestToHost(ssh!),
        "host-to-guest" => HostToGuest(ssh!),
        // The targets refuse other directions; a cell built by hand must not be measured under a wrong label.
        _ => throw new LabException(LabCodes.ConfigBadValue, $"iperf direction '{direction}' is not guest-to-host or host-to-guest.",
            "use IperfDirection items guest-to-host and host-to-guest."),
    };

    /// <summary>
    /// One short extra run with QEMU's device trace events on (tracing costs CPU, so never during a
    /// repeat): the NIC's register accesses, virtqueue kicks and interrupts per packet the guest's NIC
    /// moved. The trace excerpt (gzip) and iperf's output stay in raw/.
    /// </summary>
    private IEnumerable<Records.Record> DeviceCount(ITaskItem cell, string nic, string direction, GuestSsh ssh, string rawDirectory)
    {
        var traceLog = LabGuest.TraceLog(GuestName);
        if (!File.Exists(traceLog))
            throw new LabException(LabCodes.Benchmark, $"QEMU's trace log {traceLog} does not exist: guest {GuestName} was started without -D.",
                "stop the guest (dotnet build experiments/virtio-vs-e1000.proj -t:Clean) and build again.");
        using var qmp = QmpClient.Connect(new LabState(Namespace).QmpSocket(GuestName), TimeSpan.FromSeconds(10));
        var offset = new FileInfo(traceLog).Length;
        var netDevBefore = GuestNetDev(ssh);
        var time = DateTimeOffset.UtcNow;
        _runSeconds = Math.Min(DeviceCountSeconds, DurationSeconds);
        string output;
        SetTraceEvents(qmp, enable: true);
        try
        {
            (output, _) = RunOnce(nic, direction, ssh);
        }
        finally
        {
            SetTraceEvents(qmp, enable: false);
        }
        var netDevAfter = GuestNetDev(ssh);
        var packets = Net.NetDevPackets.Total(netDevAfter) - Net.NetDevPackets.Total(netDevBefore);
        var bytes = Net.NetDevPackets.TotalBytes(netDevAfter) - Net.NetDevPackets.TotalBytes(netDevBefore);
        var trace = TraceExcerpt.ReadFrom(traceLog, offset);
        var rawTrace = Path.Combine(rawDirectory, $"{nic}-{direction}-{DeviceCountRecords.RunLabel}.trace.log.gz");
        TraceExcerpt.WriteGzip(rawTrace, trace);
        AtomicFile.WriteAllText(Path.Combine(rawDirectory, $"{nic}-{direction}-{DeviceCountRecords.RunLabel}.{RawExtension}"), output);
        var counts = DeviceTraceCounter.Count(trace, nic);
        Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture,
            $"VirtLab: {Experiment} {nic} {direction} device count: {packets} packets, {counts.RegisterAccesses} register accesses, {counts.QueueKicks} kicks, {counts.Interrupts} interrupts"));
        var labels = Labels(cell, 0, rawTrace);
        labels.Remove("repeat");
        return DeviceCountRecords.From(counts, packets, bytes, _runSeconds, labels, time);
    }

    private const int DeviceCountSeconds = 2;

    private string GuestNetDev(GuestSsh ssh) => ssh.Run("cat /proc/net/dev", TimeSpan.FromSeconds(30), Cancellation).StandardOutput;

    private static void SetTraceEvents(QmpClient qmp, bool enable)
    {
        foreach (var name in DeviceTraceEvents.All)
            qmp.Execute("trace-event-set-state", new Dictionary<string, object> { ["name"] = name, ["enable"] = enable });
    }

    private (string Output, IperfResult Result) Loopback()
    {
        using var server = StartLabServer();
        return RunClientInLab(IPAddress.Loopback, reverse: false);
    }

    /// <summary>The guest sends: the client runs in the guest, the server on the host side of br0.</summary>
    private (string Output, IperfResult Result) GuestToHost(GuestSsh ssh)
    {
        using var server = StartLabServer();
        return RunClientInGuest(ssh, reverse: false);
    }

    /// <summary>
    /// The host side sends. iperf3 reverses the stream (-R); iperf 2.0 cannot, so its server runs in
    /// the guest, and the client starts only once that server listens (under TCG the guest's server
    /// binds long after the command that started it returned).
    /// </summary>
    private (string Output, IperfResult Result) HostToGuest(GuestSsh ssh)
    {
        if (Tool == "iperf3")
        {
            using var server = StartLabServer();
            return RunClientInGuest(ssh, reverse: true);
        }
        var serverCommand = IperfCommand.Iperf2Server(Port);
        var guestServer = GuestJob.Start(ssh, [serverCommand.Program, .. serverCommand.Arguments], GuestServerLog, Cancellation);
        var stopped = false;
        try
        {
            if (!GuestListening.Wait(ssh, Port, ServerStartBound, Cancellation))
            {
                var log = guestServer.Stop(ssh, "TERM", TimeSpan.FromSeconds(5), Cancellation);
                stopped = true;
                throw new LabException(LabCodes.Benchmark,
                    string.Create(CultureInfo.InvariantCulture, $"The iperf 2 server in guest {GuestName} did not listen on TCP port {Port} within {ServerStartBound.TotalSeconds:0} s. It printed: {ProcessRunner.Tail(log.Trim())}"),
                    "check that nothing else in the guest uses the port, and see the guest's serial log.");
            }
            return RunClientInLab(LabGuest.Address, reverse: false);
        }
        finally
        {
            if (!stopped) guestServer.Stop(ssh, "TERM", TimeSpan.FromSeconds(5), CancellationToken.None);
        }
    }

    private LabServer StartLabServer()
    {
        var command = Tool == "iperf3" ? IperfCommand.Iperf3Server(Iperf3ServerMode.OneOff, Port) : IperfCommand.Iperf2Server(Port);
        var server = Lab.StartServer(command.Program, command.Arguments);
        Lab.WaitForListening(Port, Tool);
        return server;
    }

    private (string, IperfResult) RunClientInLab(IPAddress target, bool reverse)
    {
        var client = Client(target, reverse);
        var run = Lab.Run(client.Program, client.Arguments, RunTimeout, Cancellation);
        return (run.StandardOutput, Parse(run.StandardOutput, run.StandardError));
    }

    private (string, IperfResult) RunClientInGuest(GuestSsh ssh, bool reverse)
    {
        var client = Client(LabGuest.HostAddress, reverse);
        var run = ssh.Run(client.ToShellString(), RunTimeout, Cancellation);
        return (run.StandardOutput, Parse(run.StandardOutput, run.StandardError));
    }

    private IperfCommand Client(IPAddress target, bool reverse) => Tool == "iperf3"
        ? IperfCommand.Iperf3Client(target, _runSeconds, IntervalSeconds, Window, Streams, reverse, Port)
        : IperfCommand.Iperf2Client(target, _runSeconds, IntervalSeconds, Window, Streams, Port);

    // Both iperf versions exit 0 on a refused connection: success is read from the output.
    private IperfResult Parse(string output, string error) => Tool == "iperf3"
        ? Iperf3JsonParser.Parse(output)
        : Iperf2OutputParser.Parse(output, error, Iperf2Version());

    private string? _iperf2Version;
    private string Iperf2Version()
    {
        if (_iperf2Version is not null) return _iperf2Version;
        var v = ProcessRunner.Run("iperf", ["-v"], TimeSpan.FromSeconds(10));
        return _iperf2Version = Iperf2OutputParser.ParseVersion(v.StandardError + v.StandardOutput);
    }

    private SortedDictionary<string, string> Labels(ITaskItem cell, int repeat, string rawFile)
    {
        var nic = cell.GetMetadata("Nic");
        var labels = CellLabels.For(cell, Experiment, Profile, HostFingerprint);
        labels.Remove("workload");
        labels["workload"] = "iperf";
        labels["nic"] = nic;
        labels["direction"] = cell.GetMetadata("Direction");
        labels["repeat"] = repeat.ToString(CultureInfo.InvariantCulture);
        labels["raw"] = Path.GetFileName(rawFile);
        labels["duration_seconds"] = DurationSeconds.ToString(CultureInfo.InvariantCulture);
        labels["interval_seconds"] = IntervalSeconds.ToString(CultureInfo.InvariantCulture);
        labels["streams"] = Streams.ToString(CultureInfo.InvariantCulture);
        labels["window"] = Window.Length == 0 ? "default" : Window;
        // The QEMU build and the guest are the guest's side: the loopback reference runs on neither.
        if (nic != "loopback")
        {
            QemuBinary.AddLabels(labels);
            LabGuest.AddLabels(labels);
        }
        return labels;
    }
}
