using System.Globalization;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// Removes a lab completely: every process inside its namespace (QEMU, servers), the namespace
/// with its bridge and taps, and the bookkeeping folder. Safe to call twice, and on a half-built lab.
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
            // Host-NIC mode: the namespace is not ours. Remove our taps and give the NIC back.
            foreach (var tap in network.Taps()) network.DeleteTap(tap);
            var netns = state.NetworkNamespace;
            new HostNicBridge(netns.Length == 0 ? null : netns).RestoreFromFile(state.HostNicSnapshotFile);
        }
        if (Directory.Exists(state.Directory)) Directory.Delete(state.Directory, recursive: true);
    }

    /// <summary>Tears down labs whose owning build is gone (killed with SIGKILL, say). Returns their names.</summary>
    public static List<string> ReapOrphans(string root = LabState.DefaultRoot)
    {
        var reaped = new List<string>();
        foreach (var lab in LabState.All(root))
        {
            if (lab.Owner is { } owner && OwnerProcess.IsAlive(owner)) continue;
            Run(lab);
            reaped.Add(lab.Namespace);
        }
        return reaped;
    }

    private static void KillPidFiles(LabState state)
    {
        if (!Directory.Exists(state.Directory)) return;
        foreach (var pidFile in Directory.GetFiles(state.Directory, "*.pid"))
        {
            if (Path.GetFileName(pidFile) == "owner.pid") continue;
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && (OwnerProcess.CommandLine(pid) ?? "").Contains("qemu", StringComparison.Ordinal))
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
