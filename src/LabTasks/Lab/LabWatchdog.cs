using System.Diagnostics;
using System.Globalization;

namespace VirtLab.Lab;

/// <summary>
/// A tiny shell process, in its own session, that tears the lab down as soon as the owning build
/// is gone — the only thing that still runs after a build is killed with SIGKILL or Ctrl+C. Values
/// reach the script as positional arguments, never pasted into its text. Like <see cref="LabTeardown"/>
/// it kills only what is still the lab's (QEMU by its pid file on its command line, host-NIC helpers
/// by their <see cref="LabHelperMark"/>).
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
          # Only the lab's QEMU: a QEMU whose command line names this pid file (the pid may be reused).
          tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | head -n 1 | grep -q 'qemu-system' || continue
          tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$f" || continue
          kill -9 "$pid" 2>/dev/null
        done
        if [ -f "$state/netns" ]; then
          # Host-NIC mode: the helpers the build started carry VIRTLAB_HELPER=<owner>:<namespace> (LabHelperMark).
          mark="VIRTLAB_HELPER=$owner:$(cat "$state/netns" 2>/dev/null)"
          for e in /proc/[0-9]*/environ; do
            grep -qzxF -- "$mark" "$e" 2>/dev/null || continue
            p=${e#/proc/}; kill -9 "${p%/environ}" 2>/dev/null
          done
        fi
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
