using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VirtLab.Report;

/// <summary>
/// Labels of an imported log, from a sidecar `&lt;log&gt;.labels.yaml` or else from the file name:
///   &lt;machine&gt;__&lt;accel&gt;__sysbench-&lt;cpu|memory&gt;__r&lt;N&gt;.txt
///   &lt;machine&gt;__&lt;accel&gt;__iperf-&lt;nic&gt;__&lt;direction&gt;__r&lt;N&gt;.txt|.json
/// A bad or missing label is LAB0002 naming the file and the fix.
/// </summary>
public static partial class LogImportLabels
{
    public const string SidecarSuffix = ".labels.yaml";

    public static readonly string[] Keys = ["machine", "accel", "workload", "nic", "direction", "repeat"];
    public static readonly string[] Accels = ["host", "kvm", "tcg"];
    public static readonly string[] Workloads = ["cpu", "memory"];
    public static readonly string[] Nics = ["virtio-net-pci", "e1000", "rtl8139", "loopback"];
    public static readonly string[] Directions = ["guest-to-host", "host-to-guest", "host"];

    public const string NamingHelp =
        "name the file <machine>__<accel>__sysbench-<cpu|memory>__r<N>.txt or <machine>__<accel>__iperf-<nic>__<direction>__r<N>.txt|.json, "
        + "or put the labels in <file>.labels.yaml (keys: machine, accel, workload, nic, direction, repeat); docs/records.md describes both.";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex MachineName();

    [GeneratedRegex("^r?(?<n>[0-9]{1,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex RepeatToken();

    /// <summary>The labels of one log: its sidecar when there is one, else its name.</summary>
    public static ImportLabels For(string logPath)
    {
        var sidecar = logPath + SidecarSuffix;
        if (File.Exists(sidecar)) return FromSidecar(LogImportFolder.ReadText(sidecar), sidecar);
        return FromFileName(logPath)
            ?? throw new LabException(LabCodes.ConfigBadValue, $"The imported log '{Path.GetFileName(logPath)}' has no labels: no {Path.GetFileName(sidecar)} beside it and its name does not follow the convention.",
                NamingHelp, logPath);
    }

    public static ImportLabels FromSidecar(string yaml, string path)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e)
        {
            throw new LabException(LabCodes.ConfigBadValue, $"The labels file is not valid YAML: {e.Message}",
                "write one 'key: value' per line (keys: machine, accel, workload, nic, direction, repeat).", path, (int)e.Start.Line, (int)e.Start.Column);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new LabException(LabCodes.ConfigBadValue, "The labels file holds no 'key: value' mapping.",
                "write one 'key: value' per line (keys: machine, accel, workload, nic, direction, repeat).", path, 1);

        var values = new Dictionary<string, (string Value, Mark At)>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!Keys.Contains(key))
                throw new LabException(LabCodes.ConfigBadValue, $"Unknown label '{key}' in the labels file.",
                    $"use only {string.Join(", ", Keys)} (or correct the spelling).", path, (int)keyNode.Start.Line, (int)keyNode.Start.Column);
            if (valueNode is not YamlScalarNode { Value: { } value })
                throw new LabException(LabCodes.ConfigBadValue, $"Label '{key}' must be a single value.", $"write '{key}: <value>' on one line.",
                    path, (int)valueNode.Start.Line, (int)valueNode.Start.Column);
            values[key] = (value.Trim(), valueNode.Start);
        }
        string? Get(string key) => values.TryGetValue(key, out var v) ? v.Value : null;
        (int Line, int Column) At(string key) => values.TryGetValue(key, out var v) ? ((int)v.At.Line, (int)v.At.Column) : (1, 1);
        return Validate(Get("machine"), Get("accel"), Get("workload"), Get("nic"), Get("direction"), Get("repeat") ?? "1", path, At);
    }

    /// <summary>The labels a conventional file name carries, or null when the name does not follow the convention.</summary>
    public static ImportLabels? FromFileName(string path)
    {
        var stem = StripExtension(Path.GetFileName(path));
        var parts = stem.Split("__");
        if (parts.Length < 4) return null;
        var (machine, accel, kind, repeat) = (parts[0], parts[1], parts[2], parts[^1]);
        (int, int) At(string key) => (0, 0);
        if (kind.StartsWith("sysbench-", StringComparison.Ordinal) && parts.Length == 4)
            return Validate(machine, accel, kind["sysbench-".Length..], null, null, repeat, path, At);
        if (kind.StartsWith("iperf-", StringComparison.Ordinal) && parts.Length == 5)
            return Validate(machine, accel, null, kind["iperf-".Length..], parts[3], repeat, path, At);
        return null;
    }

    public static string StripExtension(string fileName)
    {
        foreach (var ext in new[] { ".txt", ".json", ".log", ".out" })
            if (fileName.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return fileName[..^ext.Length];
        return fileName;
    }

    private static ImportLabels Validate(string? machine, string? accel, string? workload, string? nic, string? direction, string repeat,
        string path, Func<string, (int Line, int Column)> at)
    {
        LabException Bad(string key, string problem, string fix)
        {
            var (line, column) = at(key);
            return new LabException(LabCodes.ConfigBadValue, $"Imported log label '{key}': {problem}", fix, path, line, column);
        }

        if (string.IsNullOrEmpty(machine) || !MachineName().IsMatch(machine))
            throw Bad("machine", $"'{machine}' is missing or not a plain name.", "use letters, digits, '.', '_' or '-' (up to 64), e.g. 'ubuntu-lab-pc'.");
        if (accel is null || !Accels.Contains(accel))
            throw Bad("accel", $"'{accel}' is not one of {string.Join(", ", Accels)}.", "use host (run on the machine itself), kvm or tcg.");
        if (workload is not null && !Workloads.Contains(workload))
            throw Bad("workload", $"'{workload}' is not one of {string.Join(", ", Workloads)}.", "use cpu or memory (the sysbench test that ran).");
        if (nic is not null && !Nics.Contains(nic))
            throw Bad("nic", $"'{nic}' is not one of {string.Join(", ", Nics)}.", "name the QEMU NIC model the guest used (virtio-net-pci for virtio), or loopback for a host-only run.");
        if (direction is not null && !Directions.Contains(direction))
            throw Bad("direction", $"'{direction}' is not one of {string.Join(", ", Directions)}.", "use guest-to-host (iperf client in the guest), host-to-guest, or host for a loopback run.");
        if ((nic is null) != (direction is null))
            throw Bad(nic is null ? "nic" : "direction", "an iperf log needs both nic and direction.", "give both labels (or neither, for a sysbench log).");
        var r = RepeatToken().Match(repeat);
        if (!r.Success || int.Parse(r.Groups["n"].Value, CultureInfo.InvariantCulture) < 1)
            throw Bad("repeat", $"'{repeat}' is not a repeat number.", "use a positive number (r1, r2 … in a file name).");
        return new ImportLabels(machine, accel, workload, nic, direction, int.Parse(r.Groups["n"].Value, CultureInfo.InvariantCulture));
    }
}
