using System.Xml.Linq;
using Microsoft.Build.Utilities;
using VirtLab.Config;
using VirtLab.Qemu;
using VirtLab.Tasks;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// Every guest of every experiment boots with the same kernel arguments (lab.yaml
/// guest.kernelArguments, pti=on by default): B's and C's guests as D's migrated one, so D's
/// baselines are B's. The arguments are part of every guest cell's stamp and of every record
/// measured in a guest.
/// </summary>
public sealed class GuestKernelArgumentsTests
{
    private static string Root => RepoCopy.FindRepoRoot();

    [Fact]
    public void Lab_yaml_sets_pti_on_for_every_guest_as_one_property()
    {
        Assert.Equal("pti=on", new GuestConfig().KernelArguments);
        var file = Path.Combine(Root, "experiments", "lab.yaml");
        var lab = LabProfile.Select(LabConfigLoader.Load(file), "default", file);
        Assert.Equal("pti=on", lab.Config.Guest.KernelArguments);
        var parameter = Assert.Single(LoadLab.Parameters(lab), p => p.Property == "VirtLabGuestKernelArguments");
        Assert.Equal("guest.kernelArguments", parameter.Key);
        Assert.Equal("pti=on", parameter.Value);

        Assert.Equal("", LabConfigLoader.Parse("guest:\n  kernelArguments: \"\"\n", "lab.yaml").Guest.KernelArguments);
        Assert.Equal("pti=on nokaslr", LabConfigLoader.Parse("guest:\n  kernelArguments: pti=on nokaslr\n", "lab.yaml").Guest.KernelArguments);
        var e = Assert.Throws<LabException>(() => LabConfigLoader.Parse("guest:\n  memoryMiB: 512\n  kernelArguments: \"pti=on; reboot\"\n", "lab.yaml"));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
        Assert.StartsWith("guest.kernelArguments", e.Message);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void The_guest_item_boots_every_guest_with_its_arguments_and_labels_its_records()
    {
        var guest = LabGuest.From(GuestItem("pti=on  nokaslr"));
        var spec = guest.Spec("guest-tcg", "tcg", "e1000");
        Assert.Equal(["pti=on", "nokaslr"], spec.ExtraKernelArgs);
        Assert.EndsWith("virtlab.hostname=guest-tcg pti=on nokaslr", QemuCommandLine.KernelArgs(spec));
        var labels = new Dictionary<string, string>();
        guest.AddLabels(labels);
        Assert.Equal("pti=on nokaslr", labels["guest_kernel_args"]);

        var plain = new Dictionary<string, string>();
        LabGuest.From(GuestItem("")).AddLabels(plain);
        Assert.Equal("none", plain["guest_kernel_args"]);
        Assert.Empty(LabGuest.From(GuestItem("")).Spec("mig-0", "tcg", "virtio-net-pci").ExtraKernelArgs!);

        var e = Assert.Throws<LabException>(() => LabGuest.From(GuestItem("pti=on;reboot")));
        Assert.Equal(LabCodes.ConfigBadValue, e.Code);
    }

    [Fact]
    public void The_arguments_are_in_every_guest_cells_stamp_and_nowhere_else()
    {
        var targets = XDocument.Load(Path.Combine(Root, "src", "LabTasks", "build", "VirtLab.targets"));
        XNamespace ns = targets.Root!.Name.Namespace;
        var guestStamp = Assert.Single(targets.Descendants(ns + "GuestStamp")).Value;
        Assert.Contains("kernel-args=$(VirtLabGuestKernelArguments)", guestStamp);
        var guestItem = Assert.Single(targets.Descendants(ns + "VirtLabGuest"), e => e.Attribute("Include") is not null);
        Assert.Equal("$(VirtLabGuestKernelArguments)", guestItem.Attribute("KernelArguments")?.Value);

        // Every guest cell's stamp holds GuestStamp: sysbench's and the NIC cells' through their Guest metadata, migration's directly.
        var build = Path.Combine(Root, "src", "LabTasks", "build");
        Assert.Contains("Guest=\"$(GuestStamp)\"", File.ReadAllText(Path.Combine(build, "VirtLab.Sysbench.targets")));
        Assert.Contains("%(_SysbenchCell.Guest)", File.ReadAllText(Path.Combine(build, "VirtLab.Sysbench.targets")));
        Assert.Contains("Guest=\"$(GuestStamp)\"", File.ReadAllText(Path.Combine(build, "VirtLab.targets")));
        Assert.Contains("%(_VirtLabNicCellAxes.Guest)", File.ReadAllText(Path.Combine(build, "VirtLab.targets")));
        Assert.Contains("$(GuestStamp)", File.ReadAllText(Path.Combine(build, "VirtLab.Migration.targets")));

        // One place: no measurement sets kernel arguments of its own. The one exception is a migration
        // scenario's guest variant (KernelArguments metadata, soak.proj), which is in that cell's stamp
        // (GuestVariantTests) and reaches its guest session only through the cell.
        foreach (var file in Directory.GetFiles(build, "*.targets").Concat(Directory.GetFiles(Path.Combine(Root, "experiments"), "*.proj")))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("MigrationKernelArguments", text);
            if (Path.GetFileName(file) != "VirtLab.targets") Assert.DoesNotContain("%(_VirtLabMeasuredCell.KernelArguments)", text);
            if (Path.GetFileName(file) is not ("soak.proj" or "VirtLab.targets")) Assert.DoesNotContain("KernelArguments=", text);
        }
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(build, "VirtLab.targets")), @"%\(_VirtLabMeasuredCell\.KernelArguments\)"));
    }

    [Fact]
    public void Every_guest_names_its_threads_and_has_a_trace_log_beside_its_serial_log()
    {
        var spec = LabGuest.From(GuestItem("pti=on")).Spec("guest-e1000", "tcg", "e1000");
        var args = QemuCommandLine.Build(spec, "/tmp/run/guest-e1000.pid", "/tmp/run/guest-e1000.qmp");

        Assert.Equal("guest=guest-e1000,debug-threads=on", args[args.IndexOf("-name") + 1]);
        Assert.Equal("/tmp/run/guest-e1000.trace.log", args[args.IndexOf("-D") + 1]);
        Assert.Equal(Path.GetDirectoryName(spec.SerialLog), Path.GetDirectoryName(spec.TraceLog));
        Assert.DoesNotContain("-D", QemuCommandLine.Build(spec with { TraceLog = null }, "/tmp/p", "/tmp/q"));
        var e = Assert.Throws<LabException>(() => QemuCommandLine.Build(spec with { Name = "a,debug-threads=off" }, "/tmp/p", "/tmp/q"));
        Assert.Equal(LabCodes.GuestBoot, e.Code);
    }

    /// <summary>A VirtLabGuest item as the targets make it, with these kernel arguments.</summary>
    internal static TaskItem GuestItem(string kernelArguments)
    {
        var item = new TaskItem("lab-guest");
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["Kernel"] = "/tmp/vmlinux", ["Initramfs"] = "/tmp/initramfs.cpio.gz", ["PrivateKeyFile"] = "/tmp/id", ["HostKeyFile"] = "/tmp/host.pub",
            ["Address"] = "10.1.1.1", ["PrefixLength"] = "24", ["HostAddress"] = "10.1.1.254", ["MemoryMiB"] = "512", ["Vcpus"] = "1",
            ["BootTimeoutSeconds"] = "120", ["RunDirectory"] = "/tmp/run", ["KernelArguments"] = kernelArguments,
        })
            item.SetMetadata(name, value);
        return item;
    }
}
