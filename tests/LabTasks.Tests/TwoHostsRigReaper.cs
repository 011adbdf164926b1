using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Tests;

/// <summary>
/// Removes what a test run killed with SIGKILL left of its rigs: a rig's folder names its owner
/// (pid and start time, so a reused pid is not mistaken for it) and its hosts' sshd pids; a rig
/// whose owner is gone has its sshd killed, its namespaces deleted and its folder removed.
/// </summary>
public static partial class TwoHostsRigReaper
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    /// <summary>A folder without an owner file yet may be a rig being built right now.</summary>
    private static readonly TimeSpan OwnerlessGrace = TimeSpan.FromMinutes(1);

    public static string OwnerFile(string rigFolder) => Path.Combine(rigFolder, "owner");

    public static string OwnerOfThisProcess() => $"{Environment.ProcessId} {StartTimeOf(Environment.ProcessId)}";

    /// <summary>The rig ids whose leftovers were removed.</summary>
    public static IReadOnlyList<string> ReapOrphans()
    {
        var reaped = new List<string>();
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), "vl2h-*"))
        {
            var id = Path.GetFileName(folder)[5..];
            if (!RigId().IsMatch(id) || !IsOrphan(folder)) continue;
            foreach (var pidFile in Directory.GetFiles(folder, "*.sshd-pid"))
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && Comm(pid) == "sshd")
                    ProcessRunner.Run("kill", ["-KILL", pid.ToString()], Bound);
            foreach (var suffix in (string[])["op", "a", "b", "c", "lan"])
                if (File.Exists($"/var/run/netns/vl2h-{id}-{suffix}"))
                {
                    // Whatever a killed run left running on a rig host (a daemonized QEMU outlives its sshd).
                    foreach (var pid in ProcessRunner.Run("ip", ["netns", "pids", $"vl2h-{id}-{suffix}"], Bound).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                        ProcessRunner.Run("kill", ["-KILL", pid.Trim()], Bound);
                    ProcessRunner.Run("ip", ["netns", "del", $"vl2h-{id}-{suffix}"], Bound);
                }
            Directory.Delete(folder, recursive: true);
            reaped.Add(id);
        }
        return reaped;
    }

    private static bool IsOrphan(string folder)
    {
        var owner = OwnerFile(folder);
        if (!File.Exists(owner)) return DateTime.UtcNow - Directory.GetCreationTimeUtc(folder) > OwnerlessGrace;
        var parts = File.ReadAllText(owner).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length != 2 || !int.TryParse(parts[0], out var pid) || StartTimeOf(pid) != parts[1];
    }

    /// <summary>Field 22 of /proc/PID/stat (clock ticks since boot), or "" when there is no such process.</summary>
    private static string StartTimeOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (IOException) { return ""; }
    }

    /// <summary>A process's name, or "" when it is gone (it may end between listing and reading).</summary>
    internal static string Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return ""; }
    }

    [GeneratedRegex("^[0-9a-f]{8}$")]
    private static partial Regex RigId();
}
