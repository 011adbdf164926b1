using VirtLab.Host;
using Record = VirtLab.Records.Record;
using VirtLab.Report;

namespace VirtLab.Tests;

/// <summary>
/// Whether the measuring host is itself a virtual machine, from a fake /proc/cpuinfo and DMI folder
/// (and systemd-detect-virt's answer), recorded with the records; and the report's environment,
/// which says so from the records, not from the machine that renders it.
/// </summary>
public sealed class HostMachineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtlab-host-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // /proc/cpuinfo of a two-vCPU KVM guest (this machine's, shortened).
    private const string VirtualCpuInfo = """
        processor	: 0
        vendor_id	: AuthenticAMD
        model name	: AMD EPYC
        flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm rep_good nopl cpuid pni hypervisor lahf_lm

        processor	: 1
        vendor_id	: AuthenticAMD
        model name	: AMD EPYC
        flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm rep_good nopl cpuid pni hypervisor lahf_lm
        """;

    private const string PhysicalCpuInfo = """
        processor	: 0
        model name	: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz
        flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge vmx smx est tm2 ssse3 hypervisor_not_a_flag
        """;

    [Fact]
    public void A_KVM_guest_is_a_virtual_host_by_its_CPU_flag_its_DMI_and_systemd_detect_virt()
    {
        var host = HostMachine.Detect(CpuInfo(VirtualCpuInfo), Dmi("QEMU", "Standard PC (Q35 + ICH9, 2009)\n"), () => "kvm\n", 2);
        Assert.True(host.IsVirtual);
        Assert.Equal("kvm", host.Virtualization);
        Assert.Equal("CPU flag hypervisor; DMI QEMU Standard PC (Q35 + ICH9, 2009); systemd-detect-virt kvm", host.Evidence);
        Assert.Equal(2, host.Cores);

        var labels = new SortedDictionary<string, string>();
        host.AddLabels(labels);
        Assert.Equal("kvm", labels["host_virt"]);
        Assert.Equal("2", labels["host_cores"]);
        Assert.Equal(host.Evidence, labels["host_virt_evidence"]);
    }

    [Fact]
    public void Without_systemd_detect_virt_DMI_names_the_hypervisor_and_the_flag_alone_still_says_virtual()
    {
        Assert.Equal("vmware", HostMachine.Detect(CpuInfo(VirtualCpuInfo), Dmi("VMware, Inc.", "VMware Virtual Platform"), () => null, 4).Virtualization);
        Assert.Equal("microsoft", HostMachine.Detect(CpuInfo(VirtualCpuInfo), Dmi("Microsoft Corporation", "Virtual Machine"), () => null, 4).Virtualization);
        var flagOnly = HostMachine.Detect(CpuInfo(VirtualCpuInfo), Path.Combine(_dir, "no-dmi"), () => null, 4);
        Assert.Equal(HostMachine.UnknownHypervisor, flagOnly.Virtualization);
        Assert.Equal("CPU flag hypervisor; no DMI", flagOnly.Evidence);
        // Anything but a plain name from systemd-detect-virt is ignored.
        Assert.Equal("qemu", HostMachine.Detect(CpuInfo(VirtualCpuInfo), Dmi("QEMU", "Standard PC"), () => "kvm; rm -rf /", 4).Virtualization);
    }

    [Fact]
    public void A_physical_machine_is_one_by_every_source()
    {
        var host = HostMachine.Detect(CpuInfo(PhysicalCpuInfo), Dmi("Dell Inc.", "PowerEdge R640"), () => "none", 32);
        Assert.False(host.IsVirtual);
        Assert.Equal(HostMachine.Physical, host.Virtualization);
        Assert.Equal("no CPU flag hypervisor; DMI Dell Inc. PowerEdge R640; systemd-detect-virt none", host.Evidence);
        Assert.False(HostMachine.HasHypervisorFlag(PhysicalCpuInfo));
        Assert.Null(HostMachine.KindFromDmi("Microsoft Corporation", "Surface Laptop 5"));
    }

    [Fact]
    public void The_report_says_where_the_records_were_measured_not_where_it_is_rendered()
    {
        // Rendered on a 64-CPU physical machine from records measured on a 2-core KVM guest.
        var renderer = string.Join("\n\n", Enumerable.Range(0, 64).Select(i => $"processor\t: {i}\nmodel name\t: Renderer CPU"));
        var labels = new SortedDictionary<string, string> { ["experiment"] = "live-migration", ["kind"] = "migration" };
        HostMachine.Detect(CpuInfo(VirtualCpuInfo), Dmi("QEMU", "Standard PC (Q35 + ICH9, 2009)"), () => "kvm", 2).AddLabels(labels);
        var records = new List<Record> { new("migration_downtime", 41, "ms", labels, DateTimeOffset.UnixEpoch) };

        var env = ReportEnvironment.From(renderer, "6.1.0", records, new KvmStatus("not-probed", null, null, null, null), new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);
        Assert.True(env.HostIsVirtual);
        Assert.Equal("kvm", env.HostVirt);
        Assert.Equal(2, env.HostCores);
        Assert.Equal(2, env.Cores);
        Assert.True(env.MigrationMeasured);

        var text = RenderEnvironment(env);
        Assert.Contains("**a virtual machine** (`kvm`; CPU flag hypervisor; DMI QEMU Standard PC (Q35 + ICH9, 2009); systemd-detect-virt kvm)", text);
        Assert.Contains("source and destination QEMU run on this one host and share its 2 cores", text);
        Assert.Contains("(2 logical CPUs)", text);

        var old = ReportEnvironment.From(renderer, "6.1.0", [new Record("events_per_second", 1, "events/s", new SortedDictionary<string, string> { ["experiment"] = "kvm-vs-tcg" }, DateTimeOffset.UnixEpoch)],
            new KvmStatus("not-probed", null, null, null, null), new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);
        Assert.Null(old.HostIsVirtual);
        Assert.Equal(64, old.Cores);
        var oldText = RenderEnvironment(old);
        Assert.Contains("| host machine | not recorded", oldText);
        Assert.DoesNotContain("source and destination QEMU", oldText);
    }

    private static string RenderEnvironment(ReportEnvironment environment)
    {
        var template = Path.Combine(RepoCopy.FindRepoRoot(), "templates", "report", "environment.md.sbn");
        var model = new EnvironmentModel(environment, "1970-01-01 00:00 UTC", "default", []);
        return TemplateRenderer.Render(template, model);
    }

    /// <summary>The part of the report model environment.md.sbn reads.</summary>
    public sealed record EnvironmentModel(ReportEnvironment Environment, string GeneratedText, string Profile, IReadOnlyList<RecordsSource> Sources);

    private string CpuInfo(string text)
    {
        var path = Path.Combine(_dir, "cpuinfo-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllText(path, text.Replace("\r\n", "\n") + "\n");
        return path;
    }

    private string Dmi(string vendor, string product)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "dmi-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        File.WriteAllText(Path.Combine(dir, "sys_vendor"), vendor + "\n");
        File.WriteAllText(Path.Combine(dir, "product_name"), product);
        return dir;
    }
}
