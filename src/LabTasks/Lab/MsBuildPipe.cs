using System.Globalization;
using System.Text.RegularExpressions;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>
/// Who an MSBuild node is working for. A node listens on the Unix socket /tmp/MSBuild&lt;its pid&gt;
/// and, while it builds, has one connection on it: from the process that asked (the `dotnet build`
/// for a worker node; the node that launched it for a task host). A reused worker node outlives
/// the build that started it and is re-parented, so its parent says nothing; its connection does.
/// Read from `ss -xpnH` (socket inodes and their processes; root sees every process).
/// </summary>
public static partial class MsBuildPipe
{
    public static int? ClientOf(int nodePid)
    {
        try { return ClientOf(nodePid, ProcessRunner.Run("ss", ["-xpnH"], TimeSpan.FromSeconds(10)).StandardOutput); }
        catch (Exception e) when (e is LabException or TimeoutException) { return null; }
    }

    /// <summary>The pid at the other end of <paramref name="nodePid"/>'s connected /tmp/MSBuild&lt;pid&gt; socket, in <paramref name="ssOutput"/>.</summary>
    public static int? ClientOf(int nodePid, string ssOutput)
    {
        var sockets = ssOutput.Split('\n').Select(Socket.Parse).OfType<Socket>().ToList();
        var path = "/tmp/MSBuild" + nodePid.ToString(CultureInfo.InvariantCulture);
        foreach (var listening in sockets.Where(s => s.LocalAddress == path && s.Pids.Contains(nodePid)))
        {
            var client = sockets.FirstOrDefault(s => s.LocalInode == listening.PeerInode);
            if (client?.Pids.FirstOrDefault(p => p != nodePid) is { } pid and > 0) return pid;
        }
        return null;
    }

    /// <summary>One line of `ss -xpnH`: u_str ESTAB 0 0 &lt;local&gt; &lt;inode&gt; &lt;peer&gt; &lt;peer inode&gt; users:(("name",pid=N,fd=M),…).</summary>
    private sealed record Socket(string LocalAddress, long LocalInode, long PeerInode, IReadOnlyList<int> Pids)
    {
        public static Socket? Parse(string line)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8 || f[1] != "ESTAB"
                || !long.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var local)
                || !long.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out var peer))
                return null;
            var pids = PidField().Matches(line).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            return new Socket(f[4], local, peer, pids);
        }
    }

    [GeneratedRegex(@"pid=(\d{1,9}),")]
    private static partial Regex PidField();
}
