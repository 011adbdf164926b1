using System.Net;
using Microsoft.Build.Utilities;
using VirtLab.Guest;
using VirtLab.Lab;
using VirtLab.Migration;
using VirtLab.Qemu;
using VirtLab.Records;
using VirtLab.Ssh;
using VirtLab.Tasks;
using VirtLab.Util;
using Xunit.Abstractions;

namespace VirtLab.Tests;

/// <summary>
/// MigrationRunner and LiveMigrate against real TCG guests in a lab of the test's own (a network
/// namespace with br0; both QEMUs and the migration stream stay inside it).
/// </summary>
[Collection(EndToEnd.Collection)]
public sealed class MigrationRunnerTests(ITestOutputHelper output)
{
    /// <summary>
    /// Fault tolerance: the destination QEMU is SIGKILLed while the migration is active. QEMU on
    /// the source reports the migration failed and keeps running the guest; the load in the guest
    /// goes on (stress-ng runs to the end with its verification passing), pings keep being
    /// answered, the bridge still sends the guest's MAC to the source's tap.
    /// </summary>
    [Fact]
    public void Killing_the_destination_mid_migration_leaves_the_guest_running_on_the_source()
    {
        using var lab = MigrationTestLab.Start();
        var runner = new MigrationScenarioRunner(lab.State, lab.ImageFiles.ClientPrivateKey, lab.ImageFiles.HostPublicKeyFile,
            new WorkloadOptions() with { DirtySizeMiB = 64 }, Path.Combine(lab.RunDirectory, "raw"), output.WriteLine);
        // 16 MiB/s keeps the migration of a 512 MiB guest running well past the kill at 1.5 s; with
        // QEMU's default 128 MiB/s it sometimes completed first (seen in CI), and there was no fault to see.
        var settings = MigrationSettings.Parse("fault", "", "", "16", "", "", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250));
        var plan = new ScenarioPlan("fault", ["dirty-memory"], settings, new MigrationFault(MigrationFault.KillDestination, TimeSpan.FromSeconds(1.5)),
            TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20));

        var run = Assert.Single(runner.Run(plan, lab.Guest, CancellationToken.None));

        var m = run.Migration;
        output.WriteLine($"{m.Outcome}: {m.FailureReason}; killed at {m.FaultInjectedAt:0.00} s, ended {m.EndedAfterSeconds:0.00} s");
        Assert.Equal(MigrationOutcome.Failed, m.Outcome);
        Assert.False(string.IsNullOrEmpty(m.FailureReason));
        Assert.InRange(m.FaultInjectedAt!.Value, 1.5, 4);
        Assert.True(m.EndedAfterSeconds >= m.FaultInjectedAt);
        Assert.True(lab.Launcher.IsRunning("mig-0"), "the source QEMU must still run");
        Assert.False(lab.Launcher.IsRunning("mig-1"), "the killed destination must be gone");
        Assert.Equal("mig-0", lab.CurrentGuest);
        using (var qmp = QmpClient.Connect(lab.State.QmpSocket("mig-0"), TimeSpan.FromSeconds(10)))
            Assert.Equal("running", qmp.QueryStatus());

        Assert.True(run.SshKept);
        Assert.True(run.During.OverallRate > 0, run.During.RawOutput);
        Assert.Empty(run.During.Problems);
        Assert.Contains(run.Ping.ReplyTimes, t => t > m.FaultInjectedAt + 1);
        Assert.Equal("tap-mig-0", run.FdbPortAfter);
        Assert.Equal(0, run.RarpFrames);
        Assert.True(run.Integrity.Passed, string.Join("; ", run.Integrity.Findings));

        var records = MigrationRecords.From(run, settings, new Dictionary<string, string> { ["experiment"] = "test" });
        Assert.All(records, r => Assert.Equal("failed", r.Label("outcome")));
        Assert.Contains(records, r => r.Metric == "migration_fault_injected_at" && r.Label("fault") == "kill-destination");
    }

    /// <summary>
    /// The integrity check on a real defect in a real migrated guest. A kernel "list_add
    /// corruption" report (the signature QEMU 7.2 TCG leaves in guests migrated without pti=on)
    /// is written into the source guest's kernel log through /dev/kmsg before the migration: the
    /// log lives in guest RAM, so it reaches the destination only by being migrated, and the
    /// check must find it there. This proves the check reads the migrated guest (not the host or
    /// a stale copy), that a failure is LAB0044 naming the finding, that the invalid records are
    /// kept aside and never become the cell's result with RequireIntegrity — and that without it they
    /// are kept, labelled integrity = failed, with a warning.
    /// </summary>
    [Fact]
    public void A_corruption_report_in_the_migrated_guests_kernel_log_fails_the_build_with_LAB0044()
    {
        using var lab = MigrationTestLab.Start();
        using (var ssh = GuestSsh.Connect(lab.State.NetworkNamespace, lab.Guest.Address, lab.ImageFiles.ClientPrivateKey, lab.ImageFiles.HostPublicKeyFile, TimeSpan.FromSeconds(20)))
        {
            var line = "<3>list_add corruption. prev->next should be next (ffff8880049a1e48), but was 0000000000000000. (prev=ffff8880049a1e48).";
            Assert.Equal(0, ssh.Run($"echo {Sysbench.SysbenchCommand.ShellQuote(line)} > /dev/kmsg", TimeSpan.FromSeconds(20)).ExitCode);
        }
        var results = Path.Combine(lab.RunDirectory, "results");

        var (strict, engine) = Task(lab, "mig-0", Path.Combine(results, "corrupt.ndjson"), allow: false);
        Assert.False(strict.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal(LabCodes.IntegrityFailed, error.Code);
        Assert.Contains("list_add corruption", error.Message);
        Assert.Contains("GUEST INTEGRITY CHECK FAILED", error.Message);
        Assert.False(File.Exists(Path.Combine(results, "corrupt.ndjson")), "an invalid measurement must not become a result");
        var aside = RecordFile.Read(Path.Combine(results, "raw", "corrupt.integrity-failed.ndjson"));
        Assert.All(aside, r => Assert.Equal("failed", r.Label("integrity")));
        Assert.Equal("mig-1", strict.CurrentGuest); // the migration itself completed

        var (lenient, engine2) = Task(lab, "mig-1", Path.Combine(results, "kept.ndjson"), allow: true);
        Assert.True(lenient.Execute(), engine2.ErrorText);
        Assert.Contains(engine2.Warnings, w => w.Code == LabCodes.IntegrityFailed);
        var kept = RecordFile.Read(Path.Combine(results, "kept.ndjson"));
        Assert.Contains(kept, r => r.Metric == "integrity_ok" && r.Value == 0);
        Assert.All(kept, r => Assert.Equal("failed", r.Label("integrity")));
        Assert.Equal("mig-2", lenient.CurrentGuest);
    }

    private static (LiveMigrate Task, TestBuildEngine Engine) Task(MigrationTestLab lab, string guest, string resultFile, bool allow)
    {
        var engine = new TestBuildEngine();
        var cell = new TaskItem("corrupt.stamp");
        cell.SetMetadata("Scenario", Path.GetFileNameWithoutExtension(resultFile));
        cell.SetMetadata("Workloads", "idle");
        cell.SetMetadata("ResultFile", resultFile);
        var spec = MigrationScenarioRunner.SpecFor(lab.Guest, guest, null);
        var guestItem = new TaskItem("lab-guest");
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["Kernel"] = spec.Kernel, ["Initramfs"] = spec.Initramfs, ["ImageManifest"] = "",
            ["PrivateKeyFile"] = lab.ImageFiles.ClientPrivateKey, ["HostKeyFile"] = lab.ImageFiles.HostPublicKeyFile,
            ["Address"] = spec.Address.ToString(), ["PrefixLength"] = spec.PrefixLength.ToString(), ["HostAddress"] = spec.Gateway.ToString(),
            ["MemoryMiB"] = spec.MemoryMiB.ToString(), ["Vcpus"] = spec.Vcpus.ToString(), ["BootTimeoutSeconds"] = "60",
            ["RunDirectory"] = Path.GetDirectoryName(spec.SerialLog)!, ["KernelArguments"] = "pti=on",
        })
            guestItem.SetMetadata(name, value);
        var task = new LiveMigrate
        {
            BuildEngine = engine,
            Namespace = lab.State.Namespace,
            Guest = guestItem,
            GuestName = guest,
            Cell = cell,
            Experiment = "live-migration",
            HostFingerprint = "test",
            SerialLog = spec.SerialLog,
            LeadSeconds = 1,
            TailSeconds = 1,
            DeadlineSeconds = 30,
            RequireIntegrity = !allow,
        };
        return (task, engine);
    }
}


/// <summary>
/// A lab of the tests' own (namespace "virtlab-migtest-xxxxxx", br0 10.1.1.254/24, state under
/// /run/virtlab) with one TCG guest booted with pti=on, for tests that drive MigrationRunner
/// directly. The guest image is built once per test run into a temporary folder. Dispose tears
/// the lab down: every QEMU and process in the namespace, the taps, the namespace.
/// </summary>
public sealed class MigrationTestLab : IDisposable
{
    internal static readonly Lazy<GuestImage> Image = new(() =>
        new GuestImageBuilder(new GuestImageOptions(Path.Combine(Path.GetTempPath(), "virtlab-migration-test-image"))).Build());

    private MigrationTestLab(LabState state, GuestSpec guest, GuestImage image)
    {
        State = state;
        Guest = guest;
        ImageFiles = image;
    }

    public LabState State { get; }
    public GuestSpec Guest { get; }
    public GuestImage ImageFiles { get; }
    public GuestLauncher Launcher => new(State, ImageFiles.ClientPrivateKey, ImageFiles.HostPublicKeyFile);

    public static MigrationTestLab Start(string guestName = "mig-0", int memoryMiB = 256)
    {
        var image = Image.Value;
        var state = new LabState("virtlab-migtest-" + Guid.NewGuid().ToString("N")[..6]);
        state.Create(Environment.ProcessId);
        try
        {
            new LabNetwork(state).Create(IPAddress.Parse("10.1.1.254"), 24, []);
            var tap = LabNetwork.TapName(guestName);
            new LabNetwork(state).AddTap(tap);
            var runDir = Directory.CreateTempSubdirectory("virtlab-migtest-run-").FullName;
            var spec = new GuestSpec(guestName, "tcg", memoryMiB, 1, image.PvhKernel ?? image.Kernel, image.Initramfs,
                IPAddress.Parse("10.1.1.1"), 24, IPAddress.Parse("10.1.1.254"),
                [new GuestNic("virtio-net-pci", tap, QemuCommandLine.Mac(1, 0))], Path.Combine(runDir, guestName + ".serial.log"), ["pti=on"]);
            var lab = new MigrationTestLab(state, spec, image);
            var boot = lab.Launcher.Boot(spec, TimeSpan.FromSeconds(120), CancellationToken.None);
            if (!boot.Ready) throw new InvalidOperationException($"guest did not boot: {boot.Detail}\n{boot.SerialTail}");
            return lab;
        }
        catch
        {
            LabTeardown.Run(state);
            throw;
        }
    }

    public string RunDirectory => Path.GetDirectoryName(Guest.SerialLog)!;

    public string CurrentGuest => GuestIdentity.Current(State, Guest.Name);

    public void Dispose()
    {
        LabTeardown.Run(State);
        try { Directory.Delete(RunDirectory, recursive: true); } catch (IOException) { }
    }
}
