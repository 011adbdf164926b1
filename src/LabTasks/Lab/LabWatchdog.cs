using System.Diagnostics;
using System.Globalization;

namespace VirtLab.Lab;

/// <summary>
/// A tiny shell process, in its own session, that tears the lab down as soon as the owning build
/// is gone — the only thing that still runs after a build is killed with SIGKILL or Ctrl+C. Values
/// reach the script as positional arguments, never pasted into its text.
/// </summary>
public static class LabWatchdog
{
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        owner=$1; state=$2; ns=$3
        while kill -0 "$owner" 2>/dev/null && [ -d "$state" ]; do sleep 0.5; done
        [ -d "$state" ] || exit 0
        for f in "$state"/*.pid; do
          [ "$f" = "$state/owner.pid" ] && continue
          pid=$(cat "$f" 2>/dev/null)
          case $pid in ''|*[!0-9]*) continue ;; esac
          kill -9 "$pid" 2>/dev/null
        done
        # Host-NIC mode: the NIC's saved state stays; the next build restores it (LabTeardown.ReapOrphans).
        [ -f "$state/host-nic.json" ] && exit 0
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
        rm -rf "$state"
        """;

    public static int Start(LabState state, int ownerPid)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        foreach (var a in new[] { "-f", "/bin/sh", "-c", Script, "virtlab-watchdog", ownerPid.ToString(CultureInfo.InvariantCulture), state.Directory, state.Namespace })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        return p.Id;
    }
}
