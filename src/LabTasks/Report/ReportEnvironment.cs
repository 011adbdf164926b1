using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Host;
using VirtLab.Qemu;
using VirtLab.Records;

namespace VirtLab.Report;

/// <summary>
/// The machine and software the records were measured with, and the lab's parameters. What the
/// measuring host was — virtual or physical, its cores — comes from the records' labels (written
/// when they were measured, <see cref="HostMachine"/>), never from the machine rendering the report.
/// </summary>
public sealed record ReportEnvironment(
    string CpuModel,
    int Cores,
    string HostKernel,
    string? HostFingerprint,
    string? QemuVersion,
    IReadOnlyList<KeyValue> Tools,
    string KvmStatus,
    string? KvmReason,
    string? KvmConsoleLine,
    string? KvmVerdictFile,
    DateTimeOffset? KvmProbedAt,
    string? GuestKernel,
    string? GuestMemoryMib,
    string? GuestVcpus,
    DateTimeOffset Generated,
    DateTimeOffset? FirstMeasured,
    DateTimeOffset? LastMeasured,
    IReadOnlyList<KeyValue> LabParameters,
    string? HostVirt = null,
    string? HostVirtEvidence = null,
    int? HostCores = null,
    bool MigrationMeasured = false)
{
    /// <summary>True when the records say they were measured in a virtual machine, false when on a physical one, null when they do not say (measured before VirtLab recorded it).</summary>
    public bool? HostIsVirtual => HostVirt is null ? null : HostVirt.Split(", ").Any(v => v != HostMachine.Physical);

    public string? FirstMeasuredText => Text(FirstMeasured);
    public string? LastMeasuredText => Text(LastMeasured);
    public string? KvmProbedAtText => Text(KvmProbedAt);

    public static string? Text(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    public static ReportEnvironment From(string cpuInfo, string osRelease, IReadOnlyList<Record> records, KvmStatus kvm,
        IReadOnlyDictionary<string, string> lab, DateTimeOffset generated)
    {
        string? Label(string key) => records.Select(r => r.Label(key)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var measured = records.Where(r => r.Label("source") != "imported").ToList();
        string? MeasuredLabel(string key) => measured.Select(r => r.Label(key)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        // Records of several builds may come from several hosts: each kind once.
        var virt = measured.Select(r => r.Label("host_virt")).OfType<string>().Where(v => v.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        int? hostCores = int.TryParse(MeasuredLabel("host_cores"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
        return new ReportEnvironment(
            CpuModel: CpuModelOf(cpuInfo),
            Cores: hostCores ?? CoresOf(cpuInfo),
            HostKernel: osRelease.Trim(),
            HostFingerprint: measured.Select(r => r.Label("host_fingerprint")).FirstOrDefault(v => v is not null),
            QemuVersion: Label("qemu_version"),
            Tools: ToolsOf(measured),
            KvmStatus: kvm.Status,
            KvmReason: kvm.Reason,
            KvmConsoleLine: kvm.ConsoleLine,
            KvmVerdictFile: kvm.VerdictFile,
            KvmProbedAt: kvm.ProbedAt,
            GuestKernel: Label("guest_kernel"),
            GuestMemoryMib: Label("guest_memory_mib"),
            GuestVcpus: Label("guest_vcpus"),
            Generated: generated,
            FirstMeasured: measured.Count == 0 ? null : measured.Min(r => r.Time),
            LastMeasured: measured.Count == 0 ? null : measured.Max(r => r.Time),
            LabParameters: lab.Select(p => new KeyValue(p.Key, p.Value)).ToList(),
            HostVirt: virt.Count == 0 ? null : string.Join(", ", virt),
            HostVirtEvidence: MeasuredLabel("host_virt_evidence"),
            HostCores: hostCores,
            MigrationMeasured: measured.Any(r => r.Label("experiment") == "live-migration" && r.Label("kind") == "migration"));
    }

    public static string CpuModelOf(string cpuInfo) =>
        Regex.Match(cpuInfo, @"^model name\s*:\s*(?<m>.+)$", RegexOptions.Multiline) is { Success: true } m ? m.Groups["m"].Value.Trim() : "unknown";

    public static int CoresOf(string cpuInfo)
    {
        var processors = Regex.Matches(cpuInfo, @"^processor\s*:", RegexOptions.Multiline).Count;
        return processors > 0 ? processors : Environment.ProcessorCount;
    }

    /// <summary>"sysbench 1.0.20", "iperf3 3.12": each tool with the versions its records carry.</summary>
    public static List<KeyValue> ToolsOf(IReadOnlyList<Record> records) =>
        records.Where(r => r.Label("tool") is not null)
            .GroupBy(r => r.Label("tool")!)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValue(g.Key, string.Join(", ", g.Select(r => r.Label("tool_version") ?? "version not recorded").Distinct().Order(StringComparer.Ordinal))))
            .ToList();

    /// <summary>The KVM verdict cached for the fingerprint the records carry, when it is still there.</summary>
    public static (KvmVerdict? Verdict, string? Path) FindVerdict(string? probeDirectory, IEnumerable<Record> records)
    {
        if (probeDirectory is null || !Directory.Exists(probeDirectory)) return (null, null);
        foreach (var fingerprint in records.Select(r => r.Label("host_fingerprint")).OfType<string>().Distinct())
        {
            if (fingerprint.IndexOfAny(['/', '\\', '.']) >= 0) continue;
            var path = Path.Combine(probeDirectory, fingerprint + ".json");
            if (!File.Exists(path)) continue;
            try { return (KvmVerdict.Load(path), path); }
            catch (System.Text.Json.JsonException) { }
        }
        return (null, null);
    }
}
