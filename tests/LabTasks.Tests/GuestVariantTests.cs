using System.Xml.Linq;
using Microsoft.Build.Utilities;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// A migration scenario's guest variant (MigrationScenario metadata KernelArguments, TcgThreads,
/// CpuModel; experiments/soak.proj): the QEMU command line it produces, the values it rejects
/// (LAB0002 naming the scenario and the fix), that every generation of a migrated guest gets it,
/// that it reaches BootGuest and LiveMigrate from the cell, that its records say it and that it is
/// part of the cell's stamp.
/// </summary>
public sealed class GuestVariantTests
{
    private static string Root => RepoCopy.FindRepoRoot();

    private static GuestSpec Spec(string accel = "tcg", GuestVariant? variant = null, string kernelArguments = "pti=on") =>
        LabGuest.From(GuestKernelArgumentsTests.GuestItem(kernelArguments)).Spec("mig-0", accel, "virtio-net-pci", variant: variant);

    private static List<string> Args(GuestSpec spec) => QemuCommandLine.Build(spec, "/tmp/run/mig-0.pid", "/tmp/run/mig-0.qmp");

    private static string After(List<string> args, string option) => args[args.IndexOf(option) + 1];

    [Fact]
    public void Without_a_variant_a_guest_runs_as_before_max_under_TCG_host_under_KVM_and_lab_yamls_arguments()
    {
        var tcg = Args(Spec());
        Assert.Equal("tcg", After(tcg, "-accel"));
        Assert.Equal("max", After(tcg, "-cpu"));
        Assert.EndsWith("virtlab.hostname=mig-0 pti=on", After(tcg, "-append"));
        var kvm = Args(Spec("kvm"));
        Assert.Equal("kvm", After(kvm, "-accel"));
        Assert.Equal("host", After(kvm, "-cpu"));
        Assert.Same(GuestVariant.Default, GuestVariant.Parse("Migration scenario 'homework'", "", "", "", "tcg"));
        Assert.True(GuestVariant.Default.IsDefault);
    }

    [Fact]
    public void Each_variant_changes_only_its_own_argument()
    {
        var single = Args(Spec(variant: GuestVariant.Parse("s", "", "single", "", "tcg")));
        Assert.Equal("tcg,thread=single", After(single, "-accel"));
        Assert.Equal("max", After(single, "-cpu"));
        Assert.EndsWith("virtlab.hostname=mig-0 pti=on", After(single, "-append"));
        Assert.Equal("tcg,thread=multi", After(Args(Spec(variant: GuestVariant.Parse("s", "", "multi", "", "tcg"))), "-accel"));

        var noPcid = Args(Spec(variant: GuestVariant.Parse("s", "pti=on", "", "max,-pcid", "tcg")));
        Assert.Equal("max,-pcid", After(noPcid, "-cpu"));
        Assert.Equal("tcg", After(noPcid, "-accel"));
        Assert.Single(noPcid, a => a == "-cpu");
        // Under KVM a CPU model replaces host.
        Assert.Equal("host,-pcid", After(Args(Spec("kvm", GuestVariant.Parse("s", "", "", "host,-pcid", "kvm"))), "-cpu"));

        // KernelArguments replaces lab.yaml's, whatever lab.yaml says; "none" leaves no extra argument at all.
        var none = Spec(variant: GuestVariant.Parse("s", "none", "", "", "tcg"));
        Assert.Empty(none.ExtraKernelArgs!);
        Assert.EndsWith("virtlab.hostname=mig-0", After(Args(none), "-append"));
        Assert.DoesNotContain("pti=on", After(Args(none), "-append"));
        var pti = Spec(variant: GuestVariant.Parse("s", "pti=on  nokaslr", "", "", "tcg"), kernelArguments: "");
        Assert.Equal(["pti=on", "nokaslr"], pti.ExtraKernelArgs);
        Assert.EndsWith("virtlab.hostname=mig-0 pti=on nokaslr", After(Args(pti), "-append"));
    }

    [Theory]
    [InlineData("max -pcid")]   // a space: two words on a shell line
    [InlineData("max;reboot")]
    [InlineData("max,$(id)")]
    [InlineData("-pcid")]       // QEMU would read an option
    [InlineData("help")]        // QEMU would print its list and exit
    [InlineData("help,-pcid")]
    [InlineData("max,,-pcid")]
    [InlineData("max,")]
    [InlineData("max=1")]       // '=' belongs to a property, not the model's name
    [InlineData("Haswell-v4,-pcid\n")]
    public void A_CPU_model_QEMU_would_misread_is_LAB0002_naming_the_scenario_and_the_fix(string bad)
    {
        var e = Assert.Throws<LabException>(() => GuestVariant.Parse("Migration scenario 'soak-no-pcid'", "", "", bad, "tcg"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith("Migration scenario 'soak-no-pcid': CpuModel", e.Message);
        Assert.Contains("max,-pcid", e.Fix);
        // The command line refuses it too, whoever built the spec.
        Assert.Equal(LabCodes.GuestBoot, Assert.Throws<LabException>(() => Args(Spec() with { CpuModel = bad })).Code);
    }

    [Theory]
    [InlineData("max,-pcid")]
    [InlineData("max,+pcid,-invpcid")]
    [InlineData("Skylake-Client-v4,pcid=off")]
    [InlineData("qemu64,model_id=x.y")]
    public void CPU_models_with_feature_switches_and_properties_are_accepted(string model)
    {
        Assert.True(GuestVariant.IsCpuModel(model));
        Assert.Equal(model, After(Args(Spec(variant: GuestVariant.Parse("s", "", "", model, "tcg"))), "-cpu"));
    }

    [Fact]
    public void Bad_thread_modes_and_kernel_arguments_are_LAB0002_naming_the_scenario()
    {
        var owner = "Migration scenario 'soak-single-thread'";
        var mode = Assert.Throws<LabException>(() => GuestVariant.Parse(owner, "", "one", "", "tcg"));
        Assert.Equal(LabCodes.ConfigBadValue, mode.Code);
        Assert.StartsWith(owner + ": TcgThreads 'one'", mode.Message);
        Assert.Contains("single", mode.Fix);

        // TCG's threading under KVM means nothing: an error, not a silently ignored setting.
        var kvm = Assert.Throws<LabException>(() => GuestVariant.Parse(owner, "", "single", "", "kvm"));
        Assert.Equal(LabCodes.ConfigBadValue, kvm.Code);
        Assert.Contains("under kvm", kvm.Message);
        Assert.Contains("-p:Accelerator=tcg", kvm.Fix);
        Assert.Equal(LabCodes.GuestBoot, Assert.Throws<LabException>(() => Args(Spec("kvm") with { TcgThreads = "single" })).Code);
        Assert.Equal(LabCodes.GuestBoot, Assert.Throws<LabException>(() => Args(Spec() with { TcgThreads = "all" })).Code);

        foreach (var bad in new[] { "pti=on;reboot", "none pti=on", "pti=on $(id)", "init=/bin/sh'" })
        {
            var e = Assert.Throws<LabException>(() => GuestVariant.Parse("Migration scenario 'soak-nopti'", bad, "", "", "tcg"));
            Assert.Equal(LabCodes.ConfigBadValue, e.Code);
            Assert.StartsWith("Migration scenario 'soak-nopti': KernelArguments has", e.Message);
            Assert.Contains("'none'", e.Fix);
        }
    }

    [Fact]
    public void Every_generation_of_a_migrated_guest_runs_the_same_variant()
    {
        var source = Spec(variant: GuestVariant.Parse("s", "none", "single", "max,-pcid", "tcg"));
        var destination = MigrationScenarioRunner.SpecFor(source, "mig-1", "tcp:127.0.0.1:49153");
        var fresh = MigrationScenarioRunner.SpecFor(destination, "mig-2", null);
        foreach (var spec in new[] { destination, fresh })
        {
            var args = Args(spec);
            Assert.Equal("tcg,thread=single", After(args, "-accel"));
            Assert.Equal("max,-pcid", After(args, "-cpu"));
            Assert.Empty(spec.ExtraKernelArgs!);
            Assert.Equal(LabNetwork(spec.Name), spec.Nics[0].Tap);
        }
        Assert.Equal("tcp:127.0.0.1:49153", After(Args(destination), "-incoming"));
        Assert.DoesNotContain("-incoming", Args(fresh));
        // Apart from the name, tap, serial log and -incoming, the destination's command line is the source's.
        static IEnumerable<string> Stable(List<string> args) => args.Where(a => !a.Contains("mig-"));
        Assert.Equal(Stable(Args(source)), Stable(Args(fresh)));
    }

    [Fact]
    public void Migration_records_say_which_variant_ran()
    {
        var labels = new Dictionary<string, string>();
        GuestVariant.AddLabels(labels, Spec());
        Assert.Equal("pti=on", labels["guest_kernel_args"]);
        Assert.Equal("multi", labels["tcg_threads"]);
        Assert.Equal("max", labels["cpu_model"]);

        GuestVariant.AddLabels(labels, Spec("kvm"));
        Assert.Equal("host", labels["cpu_model"]);
        Assert.Equal("none", labels["tcg_threads"]);

        GuestVariant.AddLabels(labels, Spec(variant: GuestVariant.Parse("s", "none", "single", "max,-pcid", "tcg")));
        Assert.Equal("none", labels["guest_kernel_args"]);
        Assert.Equal("single", labels["tcg_threads"]);
        Assert.Equal("max,-pcid", labels["cpu_model"]);
    }

    [Fact]
    public void A_QEMU_builds_firmware_folders_go_to_QEMU_not_into_the_guest_kernels_command_line()
    {
        var backports = new QemuBinary("debian-backports", "/cache/qemu/10.0.2/usr/bin/qemu-system-x86_64", ["/cache/qemu/10.0.2/usr/share/qemu", "/usr/share/seabios"], null, "10.0.2");
        var spec = Spec() with { Qemu = backports };
        var args = Args(spec);
        Assert.Equal(["-L", "/cache/qemu/10.0.2/usr/share/qemu", "-L", "/usr/share/seabios"], args.Take(4));
        Assert.StartsWith("console=ttyS0 ", After(args, "-append"));
        Assert.DoesNotContain("-L", QemuCommandLine.KernelArgs(spec));
    }

    [Fact]
    public void BootGuest_rejects_a_bad_variant_before_it_creates_a_tap_or_starts_QEMU()
    {
        var engine = new TestBuildEngine();
        var boot = new BootGuest
        {
            BuildEngine = engine, Namespace = "virtlab-no-such-lab", Guest = GuestKernelArgumentsTests.GuestItem("pti=on"), Name = "mig-0", Accel = "tcg",
            CpuModel = "max -pcid", Scenario = "soak-no-pcid",
        };
        Assert.False(boot.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal(LabCodes.ConfigBadValue, error.Code);
        Assert.StartsWith("Migration scenario 'soak-no-pcid': CpuModel 'max -pcid'", error.Message);
    }

    [Theory]
    [InlineData("KernelArguments", "pti=on;reboot", "tcg", "KernelArguments has 'pti=on;reboot'")]
    [InlineData("TcgThreads", "single", "kvm", "TcgThreads 'single' applies to TCG")]
    [InlineData("CpuModel", "max -pcid", "tcg", "CpuModel 'max -pcid'")]
    public void MeasureCells_passes_the_cells_variant_on_to_LiveMigrate(string parameter, string value, string accel, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("virtlab-variant-").FullName;
        try
        {
            var cell = new TaskItem(Path.Combine(dir, "soak-x.stamp"));
            cell.SetMetadata("Measurement", "migration");
            cell.SetMetadata("Scenario", "soak-x");
            cell.SetMetadata("Workloads", BusyGuestWorkload.WorkloadName);
            cell.SetMetadata("AfterIntegrityFailure", "reboot");
            cell.SetMetadata("ResultFile", Path.Combine(dir, "soak-x.ndjson"));
            var measurement = new TaskItem("migration");
            measurement.SetMetadata("Task", "LiveMigrate");
            var engine = new TestBuildEngine();
            var task = new MeasureCells
            {
                BuildEngine = engine, Cells = [cell], Measurements = [measurement], Experiment = "soak", Profile = "quick", HostFingerprint = "fp",
                Namespace = "virtlab-no-such-lab", Guest = GuestKernelArgumentsTests.GuestItem("pti=on"), GuestName = "mig-0", Accel = accel, Scenario = "soak-x",
            };
            typeof(MeasureCells).GetProperty(parameter)!.SetValue(task, value);
            Assert.False(task.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal(LabCodes.ConfigBadValue, error.Code);
            Assert.StartsWith("Migration scenario 'soak-x': " + expected, error.Message);
            Assert.False(File.Exists(Path.Combine(dir, "soak-x.ndjson")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void The_targets_pass_the_cells_variant_to_BootGuest_and_MeasureCells_and_stamp_it()
    {
        var targets = XDocument.Load(Path.Combine(Root, "src", "LabTasks", "build", "VirtLab.targets"));
        XNamespace ns = targets.Root!.Name.Namespace;
        var session = Assert.Single(targets.Descendants(ns + "Target"), t => t.Attribute("Name")?.Value == "_VirtLabMeasureOnGuest");
        var properties = session.Descendants(ns + "PropertyGroup").Elements().ToDictionary(e => e.Name.LocalName, e => e.Value);
        foreach (var name in new[] { "KernelArguments", "TcgThreads", "CpuModel", "Scenario" })
        {
            var property = Assert.Single(properties, p => p.Value == $"%(_VirtLabMeasuredCell.{name})").Key;
            foreach (var task in new[] { "BootGuest", "MeasureCells" })
                Assert.Equal($"$({property})", session.Element(ns + task)?.Attribute(name)?.Value);
        }
        // Both tasks take them: MeasureCells forwards them by name to the tasks that have them (LiveMigrate through GuestTaskBase).
        foreach (var name in new[] { "KernelArguments", "TcgThreads", "CpuModel", "Scenario" })
        {
            Assert.True(TaskParameters.Has(typeof(BootGuest), name));
            Assert.True(TaskParameters.Has(typeof(MeasureCells), name));
            Assert.True(TaskParameters.Has(typeof(LiveMigrate), name));
        }

        var migration = File.ReadAllText(Path.Combine(Root, "src", "LabTasks", "build", "VirtLab.Migration.targets"));
        var stamp = XDocument.Parse(migration).Descendants().Single(e => e.Name.LocalName == "VirtLabCell").Attribute("Stamp")!.Value;
        foreach (var metadata in new[] { "KernelArguments", "TcgThreads", "CpuModel", "AfterIntegrityFailure", "Repeats", "Workloads", "MaxBandwidthMiB" })
            Assert.Contains($"%(_MigrationCell.{metadata})", stamp);
    }

    private static string LabNetwork(string guest) => VirtLab.Lab.LabNetwork.TapName(guest);
}
