using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// Removes a lab completely: every process inside its namespace (QEMU, servers), the namespace
/// with its bridge and taps, and the bookkeeping folder. Safe to call twice, and on a half-built lab.
/// It kills only what is still the lab's: a QEMU whose command line names the lab's pid file, the
/// processes in the lab's own namespace, and in host-NIC mode the helpers marked as the lab owner's
/// (<see cref="LabHelperMark"/>) — never whatever process now has a pid a stale pid file names.
/// </summary>
public static class LabTeardown
{
    public static void Run(LabState state)
    {
        KillPidFiles(state);
        var network = new LabNetwork(state);
        if (state.OwnsNetworkNamespace)
        {
            KillNamespaceProcesses(state.Namespace);
            network.Delete();
        }
        else
        {
            // Host-NIC mode: the namespace is not ours. Stop our helpers, remove our taps and give the NIC back.
            if (state.Owner is { } owner)
                foreach (var pid in LabHelperMark.Find(owner, state.NetworkNamespace)) Kill(pid);
            foreach (var tap in network.Taps()) network.DeleteTap(tap);
            var netns = state.NetworkNamespace;
            new HostNicBridge(netns.Length == 0 ? null : netns).RestoreFromFile(state.HostNicSnapshotFile);
        }
        if (Directory.Exists(state.Directory)) Directory.Delete(state.Directory, recursive: true);
    }

    /// <summary>
    /// Tears down labs whose owning build is gone (killed with SIGKILL, say), each on its own: one
    /// that cannot be torn down (a malformed host-nic.json, no owner.pid) is skipped with LAB0031
    /// and the others are still reaped.
    /// </summary>
    public static ReapResult ReapOrphans(string root = LabState.DefaultRoot)
    {
        var reaped = new List<string>();
        var skipped = new List<LabException>();
        foreach (var lab in LabState.All(root))
        {
            try
            {
                var owner = lab.Owner ?? throw new LabException(LabCodes.OrphanNotReaped,
                    $"Lab folder {lab.Directory} has no readable owner.pid, so it cannot tell whose it is.", Fix(lab), lab.Directory);
                if (OwnerProcess.IsAlive(owner)) continue;
                Run(lab);
                reaped.Add(lab.Namespace);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                skipped.Add(e is LabException { Code: LabCodes.OrphanNotReaped } known ? known
                    : new LabException(LabCodes.OrphanNotReaped, $"The orphan lab in {lab.Directory} could not be removed: {e.Message}", Fix(lab), lab.Directory));
            }
        }
        foreach (var abandoned in LabState.AbandonedCreations(root))
        {
            try { Directory.Delete(abandoned, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return new ReapResult(reaped, skipped);
    }

    private static string Fix(LabState lab) =>
        $"look at {lab.Directory}; in host-NIC mode give the NIC back by hand if needed (its saved state is {lab.HostNicSnapshotFile}), " +
        $"then remove the folder (rm -rf {lab.Directory}) and the namespace if any (ip netns del {lab.Namespace}).";

    /// <summary>Whether <paramref name="pid"/> is a QEMU started with <paramref name="pidFile"/> (the lab's own, not a reused pid).</summary>
    public static bool IsLabQemu(int pid, string pidFile) =>
        OwnerProcess.Arguments(pid) is { Length: > 0 } args
        && Path.GetFileName(args[0]).StartsWith("qemu-system", StringComparison.Ordinal)
        && args.Zip(args.Skip(1)).Any(pair => pair.First == "-pidfile" && pair.Second == pidFile);

    private static void KillPidFiles(LabState state)
    {
        if (!Directory.Exists(state.Directory)) return;
        foreach (var pidFile in Directory.GetFiles(state.Directory, "*.pid"))
        {
            if (Path.GetFileName(pidFile) == "owner.pid") continue;
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsLabQemu(pid, pidFile))
                Kill(pid);
        }
    }

    private static void KillNamespaceProcesses(string netns)
    {
        if (!File.Exists($"/var/run/netns/{netns}")) return;
        var pids = ProcessRunner.Run("ip", ["netns", "pids", netns], TimeSpan.FromSeconds(10)).StandardOutput;
        foreach (var line in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line.Trim(), out var pid)) Kill(pid);
    }

    private static void Kill(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            p.Kill();
            p.WaitForExit(5000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }
}
