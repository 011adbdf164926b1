using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Migration;

/// <summary>
/// tcpdump on br0 (the lab namespace's, or a remote host's), capturing RARP and ARP to a pcap file while a guest
/// migrates: the destination QEMU announces the guest with RARP broadcasts from its MAC
/// (self-announce), and a virtio-net guest may send gratuitous ARPs itself.
/// </summary>
public sealed partial class AnnounceCapture : IDisposable
{
    private readonly IHostSide _side;
    private readonly IHostProcess _process;
    private readonly string _pcap;

    private AnnounceCapture(IHostSide side, IHostProcess process, string pcap)
    {
        _side = side;
        _process = process;
        _pcap = pcap;
    }

    public string PcapFile => _pcap;

    /// <summary>Starts tcpdump and returns once it listens (frames before that are not captured).</summary>
    public static AnnounceCapture Start(string netns, string pcapFile, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pcapFile))!);
        File.Delete(pcapFile);
        return Start(new NamespaceSide(netns), pcapFile, cancel);
    }

    /// <summary>Captures on <paramref name="side"/>'s br0 into <paramref name="pcapFile"/>, a path on that side's machine; read back there.</summary>
    public static AnnounceCapture Start(IHostSide side, string pcapFile, CancellationToken cancel = default)
    {
        // -U writes every frame at once; -Z root keeps tcpdump from dropping to a user that cannot write the results folder.
        var process = side.Start("tcpdump", ["-i", LabNetwork.Bridge, "-n", "-U", "-Z", "root", "-w", pcapFile, "rarp or arp"]);
        var capture = new AnnounceCapture(side, process, pcapFile);
        if (!process.WaitForLine(l => l.Text.Contains("listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(10), cancel))
        {
            capture.Dispose();
            throw new LabException(LabCodes.MissingTool, $"tcpdump did not start capturing on {LabNetwork.Bridge}: {ProcessRunner.Tail(process.Output, 300)}",
                "install tcpdump (apt-get install tcpdump) or check the lab namespace.");
        }
        return capture;
    }

    /// <summary>Stops the capture and reads the frames back, on the timeline that starts at <paramref name="origin"/>.</summary>
    public List<AnnounceFrame> Stop(DateTimeOffset origin)
    {
        _process.Stop();
        var read = _side.Run("tcpdump", ["-r", _pcap, "-n", "-e", "-tt"], TimeSpan.FromSeconds(20));
        // tcpdump stamps frames with its machine's clock: the origin moved onto that clock puts them on this one's timeline.
        return read.Succeeded ? Parse(read.StandardOutput, origin + _side.ClockOffset) : [];
    }

    public void Dispose() => _process.Dispose();

    [GeneratedRegex(@"^(?<time>[0-9]+\.[0-9]+) (?<src>[0-9a-f:]{17}) > (?<dst>[0-9a-f:]{17}), ethertype (?<type>Reverse ARP|ARP) \(0x[0-9a-f]+\), length [0-9]+: (?<body>.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"who-has (?<a>[0-9.]+) tell (?<b>[0-9.]+)", RegexOptions.CultureInvariant)]
    private static partial Regex WhoHas();

    /// <summary>Parses `tcpdump -r file -n -e -tt` output.</summary>
    public static List<AnnounceFrame> Parse(string tcpdumpText, DateTimeOffset origin)
    {
        var frames = new List<AnnounceFrame>();
        foreach (Match m in FrameLine().Matches(tcpdumpText.Replace("\r", "")))
        {
            var seconds = decimal.Parse(m.Groups["time"].Value, CultureInfo.InvariantCulture);
            var time = DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
            var body = m.Groups["body"].Value;
            var rarp = m.Groups["type"].Value == "Reverse ARP";
            var who = WhoHas().Match(body);
            var gratuitous = !rarp && who.Success && who.Groups["a"].Value == who.Groups["b"].Value;
            frames.Add(new AnnounceFrame((time - origin).TotalSeconds, m.Groups["src"].Value, rarp ? "rarp" : "arp", gratuitous, body.Trim()));
        }
        return frames;
    }
}
