using System.Diagnostics;
using System.Text;
using VirtLab.Lab;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// The lab's life outside the build: the host lock, the reaper, the watchdog and teardown, each on a
/// fake /run/virtlab (a temporary root) with real processes standing in for builds and QEMUs.
/// </summary>
public sealed class LabLifecycleTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "virtlab-lifecycle-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try { p.Kill(entireProcessTree: true); p.WaitForExit(5000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // ---- owner detection ------------------------------------------------------------------

    [Fact]
    public void The_build_behind_a_node_is_the_process_connected_to_its_pipe_in_real_ss_output()
    {
        var ss = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "lifecycle", "ss-xpnH-msbuild-nodes.txt"));
        Assert.Equal(25210, MsBuildPipe.ClientOf(25013, ss)); // a reused worker node → the dotnet build it works for
        Assert.Equal(22975, MsBuildPipe.ClientOf(24304, ss)); // a task host → the process that launched it
        Assert.Null(MsBuildPipe.ClientOf(25210, ss));         // not a node: no /tmp/MSBuild<pid> socket
    }

    [Fact]
    public void A_reused_worker_node_is_never_the_owner_the_build_connected_to_it_is()
    {
        // A process that looks like a worker node re-parented away from its first build (setsid -f: its parent is not a build).
        var node = Start("setsid", "-f", "bash", "-c", "exec -a 'dotnet MSBuild.dll /nodemode:1 /nodeReuse:true' sleep 60");
        node.WaitForExit(5000);
        var nodePid = WaitForProcess(a => a.Length > 0 && a[0] == "dotnet MSBuild.dll /nodemode:1 /nodeReuse:true");
        try
        {
            var build = Environment.ProcessId;
            Assert.Equal(build, OwnerProcess.Find(nodePid, pid => pid == nodePid ? build : null));
            Assert.NotEqual(nodePid, OwnerProcess.Find(nodePid, _ => null));
        }
        finally { Process.GetProcessById(nodePid).Kill(); }
    }

    // ---- the host lock --------------------------------------------------------------------

    [Fact]
    public void A_second_build_waits_saying_who_holds_the_lock_then_fails_with_LAB0012()
    {
        var lockFile = new HostLock(_root);
        var first = StartSleep();
        var token = lockFile.Acquire(first.Id, "kvm-vs-tcg", "quick", Bound, TimeSpan.FromSeconds(30), _ => { });
        Assert.True(File.Exists(token));

        var reports = new List<string>();
        var e = Assert.Throws<LabException>(() =>
            lockFile.Acquire(Environment.ProcessId, "live-migration", "default", TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(1), reports.Add));
        Assert.Equal(LabCodes.HostBusy, e.Code);
        Assert.Equal(lockFile.LockFile, e.File);
        Assert.Contains($"build {first.Id} (experiment kvm-vs-tcg, profile quick)", e.Message);
        Assert.Contains("VirtLabLockTimeoutSeconds", e.FullMessage);
        Assert.InRange(reports.Count, 1, 3);
        Assert.All(reports, r => Assert.Contains($"waiting for the host lock (one measurement at a time per host): build {first.Id} (experiment kvm-vs-tcg", r));
        Assert.Equal(first.Id, lockFile.Holder()!.Pid);
        Assert.Single(Directory.GetFiles(lockFile.TokenDirectory)); // the waiter left no token behind

        lockFile.Release(token);
        var second = lockFile.Acquire(Environment.ProcessId, "live-migration", "default", Bound, TimeSpan.FromSeconds(30), reports.Add);
        Assert.Equal(Environment.ProcessId, lockFile.Holder()!.Pid);
        lockFile.Release(second);
        Assert.Null(lockFile.Holder());
    }

    [Fact]
    public void The_lock_is_let_go_when_the_holding_build_is_killed()
    {
        var lockFile = new HostLock(_root);
        var build = StartSleep();
        lockFile.Acquire(build.Id, "kvm-vs-tcg", "quick", Bound, TimeSpan.FromSeconds(30), _ => { });
        build.Kill(); // kill -9: no release, no teardown
        build.WaitForExit();

        var clock = Stopwatch.StartNew();
        var token = lockFile.Acquire(Environment.ProcessId, "kvm-vs-tcg", "quick", Bound, TimeSpan.FromSeconds(30), _ => { });
        Assert.True(clock.Elapsed < Bound);
        lockFile.Release(token);
    }

    [Fact]
    public void A_build_that_holds_the_lock_gets_it_again_at_once_and_release_takes_only_tokens()
    {
        var lockFile = new HostLock(_root);
        var build = StartSleep();
        var token = lockFile.Acquire(build.Id, "hw1", "quick", Bound, TimeSpan.FromSeconds(30), _ => { });
        var reports = new List<string>();
        Assert.Equal(token, lockFile.Acquire(build.Id, "kvm-vs-tcg", "quick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), reports.Add));
        Assert.Empty(reports);

        var outside = Path.Combine(_root, "results.ndjson");
        File.WriteAllText(outside, "{}");
        Assert.Equal(LabCodes.HostBusy, Assert.Throws<LabException>(() => lockFile.Release(outside)).Code);
        Assert.True(File.Exists(outside));
        lockFile.Release(token);
    }

    // ---- the lab folder and the reaper ----------------------------------------------------

    [Fact]
    public void A_lab_folder_appears_with_its_owner_or_not_at_all()
    {
        var stop = false;
        var seenWithoutOwner = new List<string>();
        var reader = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
                foreach (var lab in LabState.All(_root))
                {
                    // Still there after its owner read as missing: it was seen without one (each name is used once).
                    try { if (lab.Owner is null && Directory.Exists(lab.Directory)) lock (seenWithoutOwner) seenWithoutOwner.Add(lab.Namespace); }
                    catch (IOException) { } // removed between listing and reading
                }
        });
        reader.Start();
        for (var i = 0; i < 300; i++)
        {
            var state = new LabState($"virtlab-create-{i}", _root);
            state.Create(Environment.ProcessId, "");
            // Gone in one step too (a hidden name is no lab), so the reader never sees a half-deleted folder.
            var gone = Path.Combine(_root, $".gone-{i}");
            Directory.Move(state.Directory, gone);
            Directory.Delete(gone, recursive: true);
        }
        Volatile.Write(ref stop, true);
        reader.Join();
        Assert.Empty(seenWithoutOwner);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void Each_orphan_is_reaped_on_its_own_and_a_broken_one_is_reported_with_LAB0031_and_skipped()
    {
        var dead = DeadPid();
        var id = Guid.NewGuid().ToString("N")[..6];
        var healthy = new LabState($"virtlab-reap-ok-{id}", _root);
        healthy.Create(dead);
        var brokenNic = new LabState($"virtlab-reap-nic-{id}", _root);
        brokenNic.Create(dead, $"vltest-gone-{id}");
        File.WriteAllText(brokenNic.HostNicSnapshotFile, "{\"nic\": \"eth0\", \"addresses\": [");
        var noOwner = new LabState($"virtlab-reap-noowner-{id}", _root);
        Directory.CreateDirectory(noOwner.Directory);
        var live = new LabState($"virtlab-reap-live-{id}", _root);
        live.Create(Environment.ProcessId);

        var result = LabTeardown.ReapOrphans(_root);

        Assert.Equal([healthy.Namespace], result.Reaped);
        Assert.False(Directory.Exists(healthy.Directory));
        Assert.Equal(2, result.Skipped.Count);
        Assert.All(result.Skipped, e => Assert.Equal(LabCodes.OrphanNotReaped, e.Code));
        Assert.Equal([brokenNic.Directory, noOwner.Directory], result.Skipped.Select(e => e.File).Order());
        Assert.All(result.Skipped, e => Assert.Contains($"rm -rf {e.File}", e.FullMessage));
        Assert.True(Directory.Exists(brokenNic.Directory) && File.Exists(brokenNic.HostNicSnapshotFile), "a lab that cannot be restored stays for the user");
        Assert.True(Directory.Exists(live.Directory), "a lab whose build still runs is not an orphan");
    }

    // ---- the watchdog and teardown kill only what is still the lab's ----------------------

    [Fact]
    public void Teardown_kills_the_labs_QEMU_but_not_a_process_that_took_a_stale_pid()
    {
        var lab = new LabState($"virtlab-td-{Guid.NewGuid().ToString("N")[..6]}", _root);
        lab.Create(Environment.ProcessId);
        var qemu = StartFakeQemu(lab.PidFile("guest-a"));
        var stranger = StartFakeQemu(Path.Combine(_root, "elsewhere.pid"));
        File.WriteAllText(lab.PidFile("guest-a"), qemu.Id.ToString());
        File.WriteAllText(lab.PidFile("guest-b"), stranger.Id.ToString()); // a stale pid file whose pid now belongs to another QEMU

        LabTeardown.Run(lab);

        Assert.True(qemu.WaitForExit(5000), "the lab's QEMU must be stopped");
        Assert.False(stranger.HasExited, "a process that is not the lab's QEMU must survive teardown");
        Assert.False(Directory.Exists(lab.Directory));
    }

    [Fact]
    public void The_watchdog_kills_the_labs_QEMU_and_marked_host_nic_helpers_and_nothing_else_when_the_build_dies()
    {
        using var nic = TestNamespace.Create(withLabBridge: false);
        var build = StartSleep();
        var lab = new LabState($"virtlab-wd-{Guid.NewGuid().ToString("N")[..6]}", _root);
        lab.Create(build.Id, nic.Name); // host-NIC mode: the NIC's namespace is not the lab's
        File.WriteAllText(lab.HostNicSnapshotFile, "{}");
        var qemu = StartFakeQemu(lab.PidFile("guest-a"));
        var stranger = StartFakeQemu(Path.Combine(_root, "elsewhere.pid"));
        File.WriteAllText(lab.PidFile("guest-a"), qemu.Id.ToString());
        File.WriteAllText(lab.PidFile("guest-b"), stranger.Id.ToString());
        // Helpers as the build starts them against the NIC (iperf3 -s, ping, tcpdump): their own session,
        // a child of their own; one not marked and one of another build beside them.
        var helper = StartHelper(nic.Name, LabHelperMark.Value(build.Id, nic.Name));
        var otherBuilds = StartHelper(nic.Name, LabHelperMark.Value(Environment.ProcessId, nic.Name));
        var unmarked = StartHelper(nic.Name, null);
        var helperPids = WaitForMarked(build.Id, nic.Name, 2); // sh and its sleep

        LabWatchdog.Start(lab, build.Id);
        build.Kill();
        build.WaitForExit();

        Assert.True(qemu.WaitForExit((int)Bound.TotalMilliseconds), "the watchdog must stop the lab's QEMU");
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline && helperPids.Any(OwnerProcess.IsAlive)) Thread.Sleep(100);
        Assert.All(helperPids, p => Assert.False(OwnerProcess.IsAlive(p), $"helper {p} of the killed build is still running"));
        Assert.True(helper.WaitForExit(5000));
        Assert.False(stranger.HasExited, "a process that took a stale pid must survive");
        Assert.False(otherBuilds.HasExited, "another build's helper must survive");
        Assert.False(unmarked.HasExited, "a process the lab did not start must survive");
        Assert.True(Directory.Exists(lab.Directory), "host-NIC mode: the NIC's saved state stays for the next build's reaper");
    }

    [Fact]
    public void Lab_servers_and_commands_carry_the_mark_of_the_build_that_started_them()
    {
        using var ns = TestNamespace.Create(withLabBridge: false);
        var mark = $"{LabHelperMark.Variable}={LabHelperMark.Value(OwnerProcess.Current, ns.Name)}";
        var environ = new LabCommand(ns.Name).Run("cat", ["/proc/self/environ"], Bound).StandardOutput;
        Assert.Contains(mark, environ.Split('\0'));
        using (var server = new LabCommand(ns.Name).StartServer("sleep", ["60"]))
            Assert.NotEmpty(WaitForMarked(OwnerProcess.Current, ns.Name, 1));
        Assert.Empty(LabHelperMark.Find(OwnerProcess.Current, ns.Name));
    }

    // ---- helpers --------------------------------------------------------------------------

    private Process Start(string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
        return p;
    }

    private Process StartSleep() => Start("sleep", "120");

    /// <summary>A process whose command line reads like a lab QEMU's: qemu-system-x86_64 … -pidfile &lt;file&gt;.</summary>
    private Process StartFakeQemu(string pidFile)
    {
        var p = Start("bash", "-c", "exec -a qemu-system-x86_64 /usr/bin/python3 -c 'import time; time.sleep(120)' -pidfile \"$0\"", pidFile);
        WaitForProcess(a => a.Length == 5 && a[0] == "qemu-system-x86_64" && a[4] == pidFile);
        return p;
    }

    private Process StartHelper(string netns, string? mark)
    {
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var a in (string[])["ip", "netns", "exec", netns, "sh", "-c", "sleep 120; :"]) psi.ArgumentList.Add(a);
        if (mark is not null) psi.Environment[LabHelperMark.Variable] = mark;
        var p = Process.Start(psi)!;
        _processes.Add(p);
        return p;
    }

    private static List<int> WaitForMarked(int owner, string netns, int count)
    {
        var deadline = DateTime.UtcNow + Bound;
        List<int> found;
        while ((found = LabHelperMark.Find(owner, netns)).Count < count && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.True(found.Count >= count, $"expected {count} marked processes, found {found.Count}");
        return found;
    }

    private static int WaitForProcess(Func<string[], bool> match)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
                if (int.TryParse(Path.GetFileName(dir), out var pid) && OwnerProcess.Arguments(pid) is { } args && match(args)) return pid;
            Thread.Sleep(50);
        }
        throw new TimeoutException("the process did not appear");
    }

    private static int DeadPid()
    {
        using var p = Process.Start("true")!;
        p.WaitForExit();
        return p.Id;
    }
}
