using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using VirtLab.Util;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace VirtLab.Config;

/// <summary>
/// Reads lab.yaml strictly: an unknown key, a value of the wrong type or a value out of range is a
/// LabException that names the file, the line and the fix.
/// </summary>
public static partial class LabConfigLoader
{
    public static LabConfig Load(string path) => Parse(Decode(Read(path), path), path);

    /// <summary>The lab file's bytes; unreadable is LAB0003.</summary>
    public static byte[] Read(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabException(LabCodes.ConfigUnreadable, $"Cannot read the lab file: {e.Message}", "check the path given in LabFile.", path);
        }
    }

    /// <summary>
    /// The text of a UTF-8 lab file; a leading byte-order mark is accepted (editors on Windows write
    /// one), bytes that are not UTF-8 are LAB0003 at their line rather than silently replaced.
    /// </summary>
    public static string Decode(byte[] bytes, string path)
    {
        ReadOnlySpan<byte> content = bytes;
        if (content.StartsWith("\uFEFF"u8)) content = content[3..];
        var chars = new char[content.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(content, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            var before = content[..read];
            var line = before.Count((byte)'\n') + 1;
            var column = read - (before.LastIndexOf((byte)'\n') + 1) + 1;
            throw new LabException(LabCodes.ConfigUnreadable, $"The lab file is not UTF-8 text: byte 0x{content[read]:X2} at line {line}, column {column}.",
                "save the file as UTF-8 (retype the character, or convert it with iconv -f latin1 -t utf-8).", path, line, column);
        }
        return new string(chars, 0, written);
    }

    public static LabConfig Parse(string text, string path)
    {
        text = text.TrimStart('\uFEFF');
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) when (e.Message == "Duplicate key")
        {
            throw new LabException(LabCodes.ConfigUnreadable, "A key is given twice in the same section; YAML keeps only one of them.",
                "delete one of the two (the other is above this line, at the same indentation).", path, (int)e.Start.Line, (int)e.Start.Column);
        }
        catch (YamlException e)
        {
            if (FirstTabIndentedLine(text) is { } tabbed)
                throw new LabException(LabCodes.ConfigUnreadable, "The lab file indents with a tab; YAML allows only spaces there.",
                    "replace the tab by spaces (two per level).", path, tabbed, 1);
            throw new LabException(LabCodes.ConfigUnreadable, $"The lab file is not valid YAML: {e.Message}",
                "fix the YAML syntax at that line (indentation with spaces, 'key: value').", path, (int)e.Start.Line, (int)e.Start.Column);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails this way on some unterminated flow collections ("[512" then a
            // new key); the last event it parsed is where the text stops being YAML.
            var (line, column) = LastParsedPosition(text);
            throw new LabException(LabCodes.ConfigUnreadable, $"The lab file is not valid YAML after line {line}: {e.Message}",
                "fix the YAML syntax at that line (a '[', '{' or quote left open?).", path, line, column);
        }
        LabYamlShape.Check(stream, path);
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        LabConfig config;
        try
        {
            config = deserializer.Deserialize<LabConfig?>(text) ?? new LabConfig();
        }
        catch (YamlException e)
        {
            throw Translate(e, path);
        }
        var at = new KeyLocator(text);
        config.ProfilesLine = at.Find("profiles").Line;
        config.HostsLine = at.Find("hosts").Line;
        config.SourceFile = path;
        Validate(config, at, path);
        HostsValidation.Validate(config, at.Find, path);
        return config;
    }

    private static int? FirstTabIndentedLine(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var content = lines[i].TrimStart(' ', '\t');
            if (content.Length > 0 && content[0] != '#' && lines[i][..^content.Length].Contains('\t')) return i + 1;
        }
        return null;
    }

    private static (int Line, int Column) LastParsedPosition(string text)
    {
        var parser = new Parser(new StringReader(text));
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext()) last = parser.Current!.Start;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException) { }
        return ((int)last.Line, (int)last.Column);
    }

    private static LabException Translate(YamlException e, string path)
    {
        var line = (int)e.Start.Line;
        var column = (int)e.Start.Column;
        var inner = e.InnerException?.Message ?? e.Message;
        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success)
            return new LabException(LabCodes.ConfigUnknownKey, $"Unknown key '{unknown.Groups[1].Value}' in the lab file.",
                "remove it or correct its spelling; docs/lab-yaml.md lists every key.", path, line, column);
        return new LabException(LabCodes.ConfigBadValue, $"A value in the lab file has the wrong type: {inner}",
            "give a value of the documented type (numbers without units unless the key takes a size like 8K).", path, line, column);
    }

    private static void Validate(LabConfig c, KeyLocator at, string path)
    {
        void Require(bool ok, string key, string problem, string fix)
        {
            if (ok) return;
            var (line, column) = at.Find(key);
            throw new LabException(LabCodes.ConfigBadValue, $"{key}: {problem}", fix, path, line, column);
        }

        Require(TryParseHostAddress(c.Network.HostAddress, out _, out _), "network.hostAddress",
            $"'{c.Network.HostAddress}' is not an IPv4 address with a prefix length.", "write it as address/prefix, e.g. 10.1.1.254/24 (prefix 8–30).");
        Require(c.Network.Mode is "isolated" or "host-nic", "network.mode", $"'{c.Network.Mode}' is not a lab mode.", "use isolated (default) or host-nic.");
        Require(c.Network.Mode != "host-nic" || c.Network.HostNic.Length > 0, "network.hostNic", "host-nic mode needs the NIC to bridge.",
            "set network.hostNic to the interface, e.g. eth0 — and read docs/network.md about a remote machine's only NIC first.");
        Require(c.Network.HostNic.Length == 0 || InterfaceName().IsMatch(c.Network.HostNic), "network.hostNic", $"'{c.Network.HostNic}' is not an interface name.", "use up to 15 letters, digits, '.', '_' or '-'.");
        Require(c.Network.HostNicNamespace.Length == 0 || InterfaceName().IsMatch(c.Network.HostNicNamespace), "network.hostNicNamespace", $"'{c.Network.HostNicNamespace}' is not a namespace name.", "use letters, digits, '.', '_' or '-', or leave it empty for the root namespace.");
        Require(c.Network.Bridge.HelloTimeSeconds is >= 1 and <= 10, "network.bridge.helloTimeSeconds", $"{c.Network.Bridge.HelloTimeSeconds} is out of range.", "use 1–10 seconds.");
        Require(c.Network.Bridge.MaxAgeSeconds is >= 6 and <= 40, "network.bridge.maxAgeSeconds", $"{c.Network.Bridge.MaxAgeSeconds} is out of range.", "use 6–40 seconds.");
        Require(c.Network.Bridge.ForwardDelaySeconds is >= 0 and <= 30 && (!c.Network.Bridge.Stp || c.Network.Bridge.ForwardDelaySeconds >= 2), "network.bridge.forwardDelaySeconds",
            $"{c.Network.Bridge.ForwardDelaySeconds} is out of range.", "use 2–30 seconds with STP on, 0–30 with STP off.");
        Require(c.Guest.MemoryMiB is >= 64 and <= 65536, "guest.memoryMiB", $"{c.Guest.MemoryMiB} is out of range.", "use 64–65536 (512 is a good default).");
        Require(c.Guest.Vcpus is >= 1 and <= 64, "guest.vcpus", $"{c.Guest.Vcpus} is out of range.", "use 1–64.");
        Require(c.Guest.BootTimeoutSeconds is >= 5 and <= 3600, "guest.bootTimeoutSeconds", $"{c.Guest.BootTimeoutSeconds} is out of range.", "use 5–3600 seconds.");
        Require(c.Guest.KernelArguments.Length <= 512 && c.Guest.KernelArguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(Qemu.QemuCommandLine.IsKernelArgument),
            "guest.kernelArguments", $"'{c.Guest.KernelArguments}' is not a list of kernel arguments VirtLab passes on.",
            "separate arguments by spaces, each name or name=value of letters, digits and . _ - , (e.g. pti=on); \"\" for none.");
        Require(c.Kvm.ProbeTimeoutSeconds is >= 2 and <= 600, "kvm.probeTimeoutSeconds", $"{c.Kvm.ProbeTimeoutSeconds} is out of range.", "use 2–600 seconds.");
        Require(c.Guest.Kernel.Source is "debian" or "host" or "path", "guest.kernel.source", $"'{c.Guest.Kernel.Source}' is not a kernel source.", "use debian, host or path.");
        Require(c.Guest.Kernel.Source != "debian" || PackageName().IsMatch(c.Guest.Kernel.Package), "guest.kernel.package",
            $"'{c.Guest.Kernel.Package}' is not a Debian package name.", "use a name like linux-image-amd64.");
        Require(c.Guest.Kernel.Source != "path" || !string.IsNullOrWhiteSpace(c.Guest.Kernel.Path), "guest.kernel.source",
            "source is 'path' but guest.kernel.path is empty.", "set guest.kernel.path to your vmlinuz (and guest.kernel.modules to its modules folder).");
        Require(c.Profiles.Count > 0, "profiles", "no profile is defined.", "define at least 'default' under profiles.");
        foreach (var (name, p) in c.Profiles)
        {
            var key = $"profiles.{name}";
            Require(ProfileName().IsMatch(name), key, $"'{name}' is not a valid profile name.", "use letters, digits and '-'.");
            Require(p.Repeats.Min is >= 1 and <= 100, $"{key}.repeats", $"{p.Repeats.Min} is out of range.", "use 1–100 (or min: 1–100 with adaptive repeats).");
            Require(p.Repeats.TargetRsdPercent is 0 or (>= 0.1 and <= 100), $"{key}.repeats", $"targetRsdPercent {p.Repeats.TargetRsdPercent} is out of range.",
                "use 0.1–100 (3.5 is the Phoronix Test Suite's), or a plain count.");
            Require(!p.Repeats.IsAdaptive || p.Repeats.Max is >= 1 and <= 1000 && p.Repeats.Max >= p.Repeats.Min, $"{key}.repeats",
                $"max {p.Repeats.Max} must be at least min {p.Repeats.Min} (and at most 1000).", "write repeats: {min: 3, max: 10, targetRsdPercent: 3.5}.");
            Require(p.Sysbench.Threads is >= 1 and <= 256, $"{key}.sysbench.threads", $"{p.Sysbench.Threads} is out of range.", "use 1–256.");
            Require(p.Sysbench.CpuMaxPrime is >= 3 and <= 10_000_000, $"{key}.sysbench.cpuMaxPrime", $"{p.Sysbench.CpuMaxPrime} is out of range.", "use 3–10000000 (the homework uses 20000).");
            Require(p.Sysbench.CpuEvents is >= 1 and <= 100_000_000, $"{key}.sysbench.cpuEvents", $"{p.Sysbench.CpuEvents} is out of range.", "use 1–100000000 (the homework uses 10000).");
            Require(Size().IsMatch(p.Sysbench.MemoryBlockSize), $"{key}.sysbench.memoryBlockSize", $"'{p.Sysbench.MemoryBlockSize}' is not a size.", "write a size like 8K, 1M or 1G.");
            Require(p.Iperf.DurationSeconds is >= 1 and <= 3600, $"{key}.iperf.durationSeconds", $"{p.Iperf.DurationSeconds} is out of range.", "use 1–3600 seconds.");
            Require(p.Iperf.IntervalSeconds is >= 0.1 and <= 60, $"{key}.iperf.intervalSeconds", $"{p.Iperf.IntervalSeconds} is out of range.", "use 0.1–60 seconds.");
            Require(p.Iperf.Window.Length == 0 || Size().IsMatch(p.Iperf.Window), $"{key}.iperf.window", $"'{p.Iperf.Window}' is not a size.", "write a size like 416K or 4M, or \"\" for the kernel's default.");
            Require(p.Iperf.Streams is >= 1 and <= 64, $"{key}.iperf.streams", $"{p.Iperf.Streams} is out of range.", "use 1–64.");
            Require(Size().IsMatch(p.Sysbench.MemoryTotalSize), $"{key}.sysbench.memoryTotalSize", $"'{p.Sysbench.MemoryTotalSize}' is not a size.", "write a size like 128M or 1G.");
            Require(p.Sockperf.DurationSeconds is >= Sockperf.SockperfCommand.MinSeconds and <= Sockperf.SockperfCommand.MaxSeconds, $"{key}.sockperf.durationSeconds",
                $"{p.Sockperf.DurationSeconds} is out of range.", $"use {Sockperf.SockperfCommand.MinSeconds}–{Sockperf.SockperfCommand.MaxSeconds} seconds (sockperf drops about 1 s of each run as warm-up).");
            Require(p.Sockperf.MessageSize is >= Sockperf.SockperfCommand.MinMessageSize and <= Sockperf.SockperfCommand.MaxMessageSize, $"{key}.sockperf.messageSize",
                $"{p.Sockperf.MessageSize} is out of range.", $"use {Sockperf.SockperfCommand.MinMessageSize}–{Sockperf.SockperfCommand.MaxMessageSize} bytes.");
            var m = p.Migration;
            Require(m.Repeats is >= 1 and <= 1000, $"{key}.migration.repeats", $"{m.Repeats} is out of range.", "use 1–1000 migrations per workload.");
            Require(m.DeadlineSeconds is >= 1 and <= 3600, $"{key}.migration.deadlineSeconds", $"{m.DeadlineSeconds} is out of range.", "use 1–3600 seconds.");
            Require(m.SampleMilliseconds is >= 50 and <= 10_000, $"{key}.migration.sampleMilliseconds", $"{m.SampleMilliseconds} is out of range.", "use 50–10000 ms (250 follows a migration closely).");
            Require(m.PingIntervalMilliseconds is >= 1 and <= 10_000, $"{key}.migration.pingIntervalMilliseconds", $"{m.PingIntervalMilliseconds} is out of range.", "use 1–10000 ms (5 measures the network downtime to 5 ms).");
            Require(m.IperfIntervalMilliseconds is >= 100 and <= 60_000, $"{key}.migration.iperfIntervalMilliseconds", $"{m.IperfIntervalMilliseconds} is out of range.", "use 100–60000 ms (iperf3 reports at most every 0.1 s).");
            Require(m.BaselineSeconds is >= 1 and <= 3600, $"{key}.migration.baselineSeconds", $"{m.BaselineSeconds} is out of range.", "use 1–3600 seconds.");
            Require(m.LeadSeconds is >= 0 and <= 600, $"{key}.migration.leadSeconds", $"{m.LeadSeconds} is out of range.", "use 0–600 seconds.");
            Require(m.TailSeconds is >= 1 and <= 600, $"{key}.migration.tailSeconds", $"{m.TailSeconds} is out of range.", "use 1–600 seconds.");
            Require(m.DirtyMemory.Workers is >= 1 and <= 64, $"{key}.migration.dirtyMemory.workers", $"{m.DirtyMemory.Workers} is out of range.", "use 1–64 (one per guest vCPU is plenty).");
            Require(m.DirtyMemory.SizeMiB is >= 1 and <= 65536 && m.DirtyMemory.SizeMiB * m.DirtyMemory.Workers < c.Guest.MemoryMiB,
                $"{key}.migration.dirtyMemory.sizeMiB", $"{m.DirtyMemory.SizeMiB} MiB × {m.DirtyMemory.Workers} workers does not fit the guest's {c.Guest.MemoryMiB} MiB.",
                "use less than guest.memoryMiB in total (64 is the default).");
            Require(DirtyMethod().IsMatch(m.DirtyMemory.Method), $"{key}.migration.dirtyMemory.method", $"'{m.DirtyMemory.Method}' is not a stress-ng --vm-method name.",
                "use a method stress-ng lists under --vm-method, e.g. write64 (fastest writer) or flip.");
        }
    }

    public static bool TryParseHostAddress(string text, out IPAddress address, out int prefixLength)
    {
        address = IPAddress.None;
        prefixLength = 0;
        var parts = text.Split('/');
        return parts.Length == 2
            && IPAddress.TryParse(parts[0], out address!)
            && address.AddressFamily == AddressFamily.InterNetwork
            && parts[0].Count(ch => ch == '.') == 3
            && int.TryParse(parts[1], out prefixLength)
            && prefixLength is >= 8 and <= 30;
    }

    [GeneratedRegex(@"Property '([^']+)' not found")]
    private static partial Regex UnknownProperty();
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$")]
    private static partial Regex InterfaceName();
    [GeneratedRegex(@"^[a-z0-9][a-z0-9.+-]{1,100}$")]
    private static partial Regex PackageName();
    [GeneratedRegex(@"^[A-Za-z0-9-]{1,32}$")]
    private static partial Regex ProfileName();
    [GeneratedRegex(@"^[1-9][0-9]{0,9}[KMG]?$")]
    private static partial Regex Size();
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex DirtyMethod();

    /// <summary>Finds where a dotted key path sits in the YAML text, for error positions.</summary>
    private sealed class KeyLocator(string text)
    {
        public (int Line, int Column) Find(string dottedPath)
        {
            var stream = new YamlStream();
            try { stream.Load(new StringReader(text)); } catch (YamlException) { return (0, 0); }
            if (stream.Documents.Count == 0) return (0, 0);
            YamlNode node = stream.Documents[0].RootNode;
            var found = (Line: 0, Column: 0);
            var rest = dottedPath;
            while (rest.Length > 0 && node is YamlMappingNode map)
            {
                // The longest key the rest of the path starts with: a profile's name may hold a dot.
                var entry = map.Children
                    .Where(kv => kv.Key is YamlScalarNode { Value: { } k } && (rest == k || rest.StartsWith(k + ".", StringComparison.Ordinal)))
                    .OrderByDescending(kv => ((YamlScalarNode)kv.Key).Value!.Length).FirstOrDefault();
                if (entry.Key is null) break;
                found = ((int)entry.Key.Start.Line, (int)entry.Key.Start.Column);
                node = entry.Value;
                var key = ((YamlScalarNode)entry.Key).Value!;
                rest = rest.Length == key.Length ? "" : rest[(key.Length + 1)..];
            }
            return found;
        }
    }
}
