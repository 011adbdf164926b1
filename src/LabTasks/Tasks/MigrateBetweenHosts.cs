using System.Globalization;
using System.Net;
using Microsoft.Build.Framework;
using VirtLab.Config;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Remote;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Runs one live-migration scenario between two lab.yaml hosts (cell metadata Source and
/// Destination, optional Observer), as the homework did between two PCs: one SSH connection per
/// host, each host checked (root, tools), put in host-NIC mode and watched by a watchdog; the
/// guest image uploaded to each host's cache; the guest booted on Source and migrated to
/// Destination and back, alternately, over the hosts' LAN addresses; the observer (a third
/// host, else Source) pings, captures and streams to it. Every host is cleaned when the task
/// ends, fails or is cancelled — and by its watchdog when this build dies.
/// </summary>
public sealed class MigrateBetweenHosts : MigrationTask
{
    /// <summary>lab.yaml, whose hosts section declares the hosts the cell names.</summary>
    [Required] public string LabFile { get; set; } = "";
    /// <summary>The network namespace the SSH sessions leave from (empty: this one). Tests run the hosts as namespaces and the build's connections from their operator namespace.</summary>
    public string HostsNamespace { get; set; } = "";

    private readonly Dictionary<string, string> _siteLabels = [];


    /// <summary>The scenarios (cells) to measure; those naming the same hosts share one connection and one set-up per host.</summary>
    public ITaskItem[] Cells { get; set; } = [];

    protected override void Run()
    {
        WidenThreadPool();
        var lab = LabConfigLoader.Load(LabFile);
        var cells = Cells.Length > 0 ? Cells : [Cell];
        foreach (var group in cells.GroupBy(c => HostNames(c)))
            MeasureOn(lab, group.Key, [.. group]);
    }

    private void MeasureOn(LabConfig lab, (string Source, string Destination, string Observer) names, IReadOnlyList<ITaskItem> cells)
    {
        var (source, destination, observer) = names;
        var options = new RemoteHostOptions { Namespace = HostsNamespace };
        var hosts = new Dictionary<string, RemoteHost>();
        var labs = new Dictionary<string, RemoteLab>();
        try
        {
            // One connection per host: the observer may be one of the pair.
            foreach (var name in new[] { source, destination, observer }.Distinct())
            {
                Cancellation.ThrowIfCancellationRequested();
                hosts[name] = RemoteHost.Connect(lab, name, options);
            }
            var template = Spec(GuestName.Length > 0 ? GuestName : "mig-0", Accel);
            var index = 0;
            foreach (var (name, host) in hosts)
            {
                Cancellation.ThrowIfCancellationRequested();
                var labAddress = LabAddress(template, index++);
                Log.LogMessage(MessageImportance.High, $"VirtLab: host {name} ({host.Config.Address}): host-NIC mode, br0 with {labAddress}");
                labs[name] = RemoteLab.Open(host, labAddress, message => Log.LogMessage(MessageImportance.High, "VirtLab: " + message));
                WarnWhenBridgingTheSshNic(labs[name]);
                Log.LogMessage(MessageImportance.Normal, string.Create(CultureInfo.InvariantCulture,
                    $"VirtLab: host {name}: LAN address {labs[name].LanAddress} on {labs[name].Nic}, clock {labs[name].Clock.OffsetMilliseconds:+0.00;-0.00} ± {labs[name].Clock.UncertaintyMilliseconds:0.00} ms against this machine"));
            }
            AddHostLabels(labs, source, destination, observer);
            foreach (var cell in cells)
            {
                Cancellation.ThrowIfCancellationRequested();
                Cell = cell;
                MeasureScenario(new HostPairSites(labs[source], labs[destination], labs[observer], LabGuest.PrivateKeyFile, LabGuest.HostKeyFile), source);
            }
        }
        finally
        {
            // Each host undoes what this build did there (its watchdog would, once the session ends).
            foreach (var remote in labs.Values) remote.Dispose();
            foreach (var host in hosts.Values) host.Dispose();
        }
    }

    /// <summary>One scenario on hosts already set up: its guest boots on the source host, runs the scenario, and is stopped wherever it ended.</summary>
    private void MeasureScenario(HostPairSites sites, string source)
    {
        var scenario = ScenarioName();
        Scenario = scenario;
        var plan = Plan(scenario);
        if (GuestName.Length == 0) GuestName = "mig-0";
        var name = GuestName;
        // Consoles and trace logs come back from the hosts into the cell's raw folder: the lab's run folder is this machine's.
        var resultFile = Cell.GetMetadata("ResultFile");
        var guests = Path.Combine(Path.GetDirectoryName(resultFile)!, "raw", Path.GetFileNameWithoutExtension(resultFile) + "-guests");
        var spec = LabGuest.Spec(name, Accel, NicModel, Path.Combine(guests, name + ".serial.log"), null, Variant(name, Accel))
            with { TraceLog = Path.Combine(guests, name + ".trace.log") };
        WarnWithoutPti(scenario, spec);
        // KVM is probed where the guests run: by the device, then by booting under it (this machine's own verdict says nothing about the hosts).
        if (spec.Accel == "kvm" && KvmMissing(sites) is { } missing)
        {
            Unavailable(spec, plan, scenario, missing);
            return;
        }
        sites.AddTap(spec);
        var boot = sites.Boot(spec, TimeSpan.FromSeconds(TimeoutSeconds > 0 ? TimeoutSeconds : LabGuest.BootTimeoutSeconds), Cancellation);
        if (!boot.Ready && spec.Accel == "kvm")
        {
            sites.Stop(name);
            sites.DeleteTap(spec);
            Unavailable(spec, plan, scenario, $"a KVM guest did not boot on host '{source}': {Describe(boot)}");
            return;
        }
        if (!boot.Ready)
        {
            sites.Stop(name);
            throw new LabException(LabCodes.GuestBoot, $"Scenario '{scenario}': the guest did not boot on host '{source}': {Describe(boot)}",
                $"read its console in {spec.SerialLog}; check QEMU on that host (qemu-system-x86_64 --version) and build again.");
        }
        Log.LogMessage(MessageImportance.High, string.Create(CultureInfo.InvariantCulture, $"VirtLab: {scenario}: {name} answered SSH on host {source} {boot.Seconds:0.0} s after QEMU started."));
        // The next scenario on these hosts boots a guest of the same names: this one's last generation goes first.
        var last = MigrationScenarioRunner.SpecFor(spec, Measure(sites, spec, plan, scenario), null);
        sites.Stop(last.Name);
        sites.DeleteTap(last);
    }

    /// <summary>Why KVM cannot run on the pair (a host without a usable /dev/kvm), or null.</summary>
    private static string? KvmMissing(HostPairSites sites)
    {
        foreach (var lab in new[] { sites.Home, sites.Away })
            if (lab.Run("test", ["-c", "/dev/kvm", "-a", "-w", "/dev/kvm"], TimeSpan.FromSeconds(10)).ExitCode != 0)
                return $"host '{lab.Name}' has no usable /dev/kvm (load kvm_intel or kvm_amd there, or run the scenario under TCG: -p:Accelerator=tcg)";
        return null;
    }

    private void Unavailable(GuestSpec spec, ScenarioPlan plan, string scenario, string reason)
    {
        var labels = ScenarioLabels(spec);
        foreach (var (key, value) in _siteLabels) labels[key] = value;
        labels["qemu_build"] = "host";
        WriteUnavailable(plan, scenario, new MigrationUnavailable("", ["kvm"], reason), labels);
    }

    private static (string Source, string Destination, string Observer) HostNames(ITaskItem cell)
    {
        var scenario = cell.GetMetadata("Scenario");
        var source = cell.GetMetadata("Source");
        var destination = cell.GetMetadata("Destination");
        var observer = cell.GetMetadata("Observer") is { Length: > 0 } o ? o : source;
        if (source.Length == 0 || destination.Length == 0)
            throw new LabException(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}' names no Source or Destination host.",
                "give both, e.g. <MigrationScenario Include=\"…\" Source=\"pc1\" Destination=\"pc2\" />, naming hosts of lab.yaml's hosts section.");
        if (source == destination)
            throw new LabException(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}' migrates from host '{source}' to itself.",
                "name two different hosts; a migration on one machine is a MigrationScenario without Source and Destination.");
        if (source == HostsValidation.LocalHost || destination == HostsValidation.LocalHost || observer == HostsValidation.LocalHost)
            throw new LabException(LabCodes.ConfigBadValue, $"Migration scenario '{scenario}' names host 'local' in a migration between hosts.",
                "name remote hosts of lab.yaml's hosts section; this machine orchestrates them.");
        return (source, destination, observer);
    }

    /// <summary>The lab address of the index-th host: the guest's gateway (lab.yaml network.hostAddress) on the first, one less on each next, so no two hosts of one LAN share it.</summary>
    public static string LabAddress(GuestSpec spec, int index)
    {
        var bytes = spec.Gateway.GetAddressBytes();
        var last = bytes[^1] - index;
        if (last < 1 || spec.Gateway.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new LabException(LabCodes.ConfigBadValue, $"network.hostAddress {spec.Gateway} leaves no room for the lab address of a host {index + 1}.",
                "give network.hostAddress a last byte of 3 or more (10.1.1.254 by default).");
        bytes[^1] = (byte)last;
        return string.Create(CultureInfo.InvariantCulture, $"{new IPAddress(bytes)}/{spec.PrefixLength}");
    }

    private void WarnWhenBridgingTheSshNic(RemoteLab lab)
    {
        if (lab.LanAddress.ToString() != lab.Host.Config.Address) return;
        LogLabWarning(LabCodes.LabNetwork,
            $"Host '{lab.Name}': {lab.Nic} carries VirtLab's SSH session and is now a port of br0. VirtLab moved its addresses in one step and its watchdog restores them if the session drops, but a DHCP client or NetworkManager managing {lab.Nic} may fight the change; a second NIC for the lab (hosts.{lab.Name}.nic) is safer.",
            null);
    }

    private void AddHostLabels(Dictionary<string, RemoteLab> labs, string source, string destination, string observer)
    {
        _siteLabels["hosts"] = $"{source},{destination}";
        _siteLabels["observer_host"] = observer;
        // The hosts' clocks against this machine's: events of two hosts share one axis within this much.
        _siteLabels["clock_uncertainty_ms"] = labs.Values.Max(l => l.Clock.UncertaintyMilliseconds).ToString("0.###", CultureInfo.InvariantCulture);
    }

    protected override void AddSiteLabels(IDictionary<string, string> labels, MigrationFeatures features)
    {
        foreach (var (key, value) in _siteLabels) labels[key] = value;
        // The hosts run their own QEMU, not a build of this machine's cache.
        labels["qemu_build"] = "host";
        labels["qemu_version"] = features.QemuVersion;
    }

    /// <summary>Each migration's direction: the pair alternates, so the hosts are read where the runner placed each generation.</summary>
    protected override IReadOnlyDictionary<string, string> RunLabels(IReadOnlyDictionary<string, string> labels, MigrationRun run, IScenarioSites sites)
    {
        var pair = (HostPairSites)sites;
        return new SortedDictionary<string, string>(labels.ToDictionary())
        {
            ["source_host"] = pair.Where(run.Migration.Source).Name,
            ["destination_host"] = pair.Where(run.Migration.Destination).Name,
        };
    }

    protected override string CurrentOf(IScenarioSites sites) => ((HostPairSites)sites).Current;
}
