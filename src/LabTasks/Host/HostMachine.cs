using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Host;

/// <summary>
/// What the measuring host is, read when it measures: a physical machine or a virtual one (and
/// which hypervisor), and how many cores the measurement has (nproc). On a virtual host the guests'
/// vCPUs and the migration's two QEMUs share cores that are themselves virtual, and every timing
/// depends on what else the machine below runs. Sources: the <c>hypervisor</c> flag in
/// /proc/cpuinfo (set by the CPU a hypervisor presents), DMI's sys_vendor and product_name, and
/// <c>systemd-detect-virt --vm</c> where it is installed. Records carry the verdict as labels
/// (<see cref="AddLabels"/>), so a report rendered elsewhere still says where they were measured.
/// </summary>
public sealed partial record HostMachine(string Virtualization, string Evidence, int Cores)
{
    public const string Physical = "none";
    /// <summary>The kind when only the CPU flag says the host is virtual.</summary>
    public const string UnknownHypervisor = "vm";

    public bool IsVirtual => Virtualization != Physical;

    private static readonly Lazy<HostMachine> CurrentHost = new(() =>
        Detect("/proc/cpuinfo", "/sys/class/dmi/id", SystemdDetectVirt, Environment.ProcessorCount));

    /// <summary>This machine, read once per process.</summary>
    public static HostMachine Current => CurrentHost.Value;

    /// <param name="detectVirt">systemd-detect-virt --vm's answer ("kvm", "none" …), or null where it is not installed.</param>
    public static HostMachine Detect(string cpuInfoFile, string dmiDirectory, Func<string?> detectVirt, int cores)
    {
        var flag = HasHypervisorFlag(ReadOrEmpty(cpuInfoFile));
        var vendor = Clean(ReadOrEmpty(Path.Combine(dmiDirectory, "sys_vendor")));
        var product = Clean(ReadOrEmpty(Path.Combine(dmiDirectory, "product_name")));
        var dmiKind = KindFromDmi(vendor, product);
        var detected = detectVirt() is { } d && Word().IsMatch(d.Trim()) ? d.Trim() : null;

        var kind = detected is { } k && k != Physical ? k
            : dmiKind ?? (flag ? UnknownHypervisor : Physical);
        var evidence = new List<string> { flag ? "CPU flag hypervisor" : "no CPU flag hypervisor" };
        var dmi = string.Join(' ', new[] { vendor, product }.Where(s => s.Length > 0));
        evidence.Add(dmi.Length > 0 ? $"DMI {dmi}" : "no DMI");
        if (detected is not null) evidence.Add($"systemd-detect-virt {detected}");
        return new HostMachine(kind, string.Join("; ", evidence), cores);
    }

    /// <summary>The labels every measured record carries: host_virt, host_virt_evidence, host_cores.</summary>
    public void AddLabels(IDictionary<string, string> labels)
    {
        labels["host_virt"] = Virtualization;
        labels["host_virt_evidence"] = Evidence;
        labels["host_cores"] = Cores.ToString(CultureInfo.InvariantCulture);
    }

    public static bool HasHypervisorFlag(string cpuInfo) =>
        FlagsLine().Matches(cpuInfo).Any(m => m.Groups["flags"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("hypervisor"));

    /// <summary>The hypervisor DMI names (systemd-detect-virt's names for it), or null for a vendor that makes real machines.</summary>
    public static string? KindFromDmi(string vendor, string product)
    {
        bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
        if (Has(product, "KVM")) return "kvm";
        if (Has(vendor, "QEMU")) return "qemu";
        if (Has(vendor, "VMware")) return "vmware";
        if (Has(product, "VirtualBox") || Has(vendor, "innotek")) return "oracle";
        if (Has(vendor, "Xen")) return "xen";
        if (Has(vendor, "Microsoft") && Has(product, "Virtual Machine")) return "microsoft";
        if (Has(vendor, "Amazon EC2")) return "amazon";
        if (Has(product, "Google Compute Engine")) return "google";
        if (Has(vendor, "Parallels")) return "parallels";
        if (Has(vendor, "Bochs")) return "bochs";
        return null;
    }

    private static string? SystemdDetectVirt()
    {
        const string program = "/usr/bin/systemd-detect-virt";
        if (!File.Exists(program)) return null;
        try
        {
            // Exit 1 with "none" on a physical machine; --vm leaves containers out (they share the host's kernel and CPUs).
            return ProcessRunner.Run(program, ["--vm"], TimeSpan.FromSeconds(10)).StandardOutput.Split('\n')[0].Trim();
        }
        catch (Exception e) when (e is LabException or TimeoutException or IOException)
        {
            return null;
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : ""; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>A DMI string as one short line of printable text (firmware pads and sometimes garbles them).</summary>
    private static string Clean(string text)
    {
        var printable = new string(text.Select(ch => ch is >= ' ' and <= '~' ? ch : ' ').ToArray());
        var line = Spaces().Replace(printable, " ").Trim();
        return line.Length <= 64 ? line : line[..64];
    }

    [GeneratedRegex(@"^flags\s*:(?<flags>.*)$", RegexOptions.Multiline)]
    private static partial Regex FlagsLine();

    [GeneratedRegex(@"\A[a-z0-9-]{1,32}\z")]
    private static partial Regex Word();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
