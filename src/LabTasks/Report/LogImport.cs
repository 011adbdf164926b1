using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Iperf;
using VirtLab.Records;
using VirtLab.Sysbench;
using VirtLab.Util;

namespace VirtLab.Report;

/// <summary>
/// Imports logs measured by hand (sysbench 0.4/1.0 text, iperf 2 text, iperf3 JSON; one run per
/// file) as records labelled source=imported and machine=…, so the report shows them beside its
/// own measurements. The records' time is the log file's modification time (when it was measured).
/// </summary>
public static partial class LogImport
{
    public const string KindSysbench = "sysbench";

    /// <summary>The largest log read: one run's text output is kilobytes; anything near this is not a log.</summary>
    public const long MaxLogBytes = 16L << 20;

    [GeneratedRegex(@"^sysbench\s+[0-9]+\.[0-9]+", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SysbenchHeader();

    [GeneratedRegex(@"^(?:Client connecting to|Server listening on|-{20,}\s*$|\[\s*(?:[0-9]+|SUM)\]\s+[0-9.]+\s*-\s*[0-9.]+\s+sec)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Iperf2Marker();

    // iperf3's own text output (without -J): "Connecting to host", "iperf Done.", sender/receiver totals.
    [GeneratedRegex(@"^(?:Connecting to host|iperf Done\.|.*\s(?:sender|receiver)\s*$)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Iperf3TextMarker();

    /// <summary>Every log under the folder (recursively), hidden entries, sidecars and notes skipped, in path order.</summary>
    public static List<ImportedLog> ImportDirectory(string directory)
    {
        var files = LogImportFolder.Logs(directory);
        if (files.Count == 0)
            throw new LabException(LabCodes.ConfigBadValue, $"ImportLogs: the folder '{directory}' holds no log files.",
                "put one sysbench, iperf 2 or iperf3 -J output per file there; " + LogImportLabels.NamingHelp, directory);
        return files.Select(f => ImportFile(f, Path.GetRelativePath(directory, f).Replace('\\', '/'))).ToList();
    }

    public static bool IsLog(string path)
    {
        var name = Path.GetFileName(path);
        return !name.StartsWith('.') && !name.EndsWith(LogImportLabels.SidecarSuffix, StringComparison.OrdinalIgnoreCase)
            && !name.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("README", StringComparison.OrdinalIgnoreCase);
    }

    public static ImportedLog ImportFile(string path, string relativePath)
    {
        var labels = LogImportLabels.For(path);
        var text = LogImportFolder.ReadText(path);
        var time = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        var kind = DetectKind(text, path);
        try
        {
            var records = kind == KindSysbench
                ? SysbenchRecordsOf(SysbenchOutputParser.Parse(text), labels, relativePath, time, path)
                : IperfRecordsOf(kind == IperfResult.Iperf3 ? Iperf3JsonParser.Parse(text) : Iperf2OutputParser.Parse(text), labels, relativePath, time, path);
            return new ImportedLog(path, relativePath, labels, kind, records);
        }
        catch (LabException e) when (e.File is null)
        {
            throw new LabException(e.Code, e.Message, e.Fix, path, inner: e);
        }
    }

    /// <summary>"sysbench", "iperf2" or "iperf3" from the content (as a terminal showed it); anything else is LAB0051 naming the file.</summary>
    public static string DetectKind(string text, string path)
    {
        if (Iperf3JsonParser.JsonOf(text).TrimStart().StartsWith('{')) return IperfResult.Iperf3;
        text = TerminalCapture.Read(text).Text;
        if (SysbenchHeader().IsMatch(text)) return KindSysbench;
        if (Iperf3TextMarker().IsMatch(text))
            throw new LabException(LabCodes.BenchmarkOutput, "This is iperf3's text output, which does not carry enough detail to import.",
                "run iperf3 again with -J and import its JSON output.", path);
        if (Iperf2Marker().IsMatch(text)) return IperfResult.Iperf2;
        throw new LabException(LabCodes.BenchmarkOutput, "The log is neither sysbench text, iperf 2 text nor iperf3 JSON.",
            "import the tool's standard output unchanged (one run per file), or move the file out of the import folder.", path);
    }

    public static List<Record> SysbenchRecordsOf(SysbenchResult result, ImportLabels labels, string relativePath, DateTimeOffset time, string path)
    {
        if (labels.Nic is not null)
            throw new LabException(LabCodes.ConfigBadValue, "The log is sysbench output but its labels describe an iperf run (nic/direction).",
                "label it as sysbench (file name …__sysbench-" + result.Test + "__r1.txt, or workload: " + result.Test + " in the sidecar).", path);
        if (labels.Workload is not null && labels.Workload != result.Test)
            throw new LabException(LabCodes.ConfigBadValue, $"The labels say workload '{labels.Workload}' but the log is a sysbench {result.Test} run.",
                $"label it workload '{result.Test}' (or import the right file).", path);
        var common = Common(labels, ReportSysbench.Experiment, relativePath);
        common["workload"] = result.Test;
        if (result.CpuMaxPrime is { } prime) common["cpu_max_prime"] = prime.ToString(CultureInfo.InvariantCulture);
        if (result.BlockSizeBytes is { } block) common["memory_block_size"] = Size(block);
        if (result.TotalSizeBytes is { } total) common["memory_total_size"] = Size(total);
        return SysbenchRecords.From(result, common, time).ToList();
    }

    public static List<Record> IperfRecordsOf(IperfResult result, ImportLabels labels, string relativePath, DateTimeOffset time, string path)
    {
        if (labels.Nic is null || labels.Direction is null)
            throw new LabException(LabCodes.ConfigBadValue, "The log is iperf output but its labels do not say which NIC and direction.",
                "label it …__iperf-<nic>__<direction>__r1.txt, or give nic and direction in the sidecar.", path);
        var common = Common(labels, ReportIperf.Experiment, relativePath);
        common["nic"] = labels.Nic;
        common["direction"] = labels.Direction;
        common["tool"] = result.Tool;
        if (result.ToolVersion is { } version) common["tool_version"] = version;
        common["duration_seconds"] = result.Summary.Seconds.ToString("0.###", CultureInfo.InvariantCulture);
        if (result.Interrupted) common["interrupted"] = "true";
        if (result.Suspended) common["suspended"] = "true";
        common["streams"] = Math.Max(1, result.Summary.ParallelStreams).ToString(CultureInfo.InvariantCulture);
        if (result.Summary.TcpWindowActualBytes is { } window) common["window"] = window.ToString(CultureInfo.InvariantCulture);
        var records = new List<Record> { new("throughput", result.Summary.BitsPerSecond / 1e9, "Gbit/s", common, time) };
        if (result.Summary.Retransmits is { } retransmits) records.Add(new Record("retransmits", retransmits, "count", common, time));
        return records;
    }

    /// <summary>Writes records.ndjson (only when different, so the report is not re-rendered for nothing) and a copy of each log under raw/.</summary>
    public static string Write(string outputDirectory, IReadOnlyList<ImportedLog> logs)
    {
        var raw = Path.Combine(outputDirectory, "raw");
        if (Directory.Exists(raw)) Directory.Delete(raw, recursive: true);
        foreach (var log in logs)
        {
            var copy = Path.Combine(raw, log.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(log.File, copy, overwrite: true);
        }
        var recordsFile = Path.Combine(outputDirectory, "records.ndjson");
        var text = string.Concat(logs.SelectMany(l => l.Records).Select(r => r.ToJson() + "\n"));
        AtomicFile.WriteIfDifferent(recordsFile, text);
        return recordsFile;
    }

    private static SortedDictionary<string, string> Common(ImportLabels labels, string experiment, string relativePath) => new(StringComparer.Ordinal)
    {
        ["source"] = "imported",
        ["machine"] = labels.Machine,
        ["accel"] = labels.Accel,
        ["experiment"] = experiment,
        ["repeat"] = labels.Repeat.ToString(CultureInfo.InvariantCulture),
        ["raw"] = "raw/" + relativePath,
    };

    private static string Size(long bytes) =>
        bytes % (1L << 30) == 0 ? $"{bytes >> 30}G" : bytes % (1L << 20) == 0 ? $"{bytes >> 20}M" : bytes % 1024 == 0 ? $"{bytes >> 10}K" : bytes.ToString(CultureInfo.InvariantCulture);
}
