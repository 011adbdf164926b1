namespace VirtLab.Remote;

/// <summary>
/// The shell scripts VirtLab runs on a remote host. Each is constant text; every value (the run
/// folder, an interface name, an address) arrives as a positional parameter, never pasted in.
/// What a run changed on the host is written down in its run folder before it is changed, so
/// <see cref="Cleanup"/> — run by the build, by the host's watchdog when the SSH session drops,
/// or by the next build's reaper — can undo it without the build that made it.
/// </summary>
internal static class RemoteLabScripts
{
    /// <summary>Shell functions every script below starts with: restore_nic and cleanup.</summary>
    private const string Functions = """
        restore_nic() {
          [ -f "$1/nic" ] || return 0
          nic=$(cat "$1/nic"); br=$(cat "$1/bridge")
          ip link set "$nic" nomaster 2>/dev/null
          ip link del "$br" 2>/dev/null
          while read -r a; do [ -n "$a" ] && ip addr add "$a" dev "$nic" 2>/dev/null; done < "$1/nic.addrs"
          # A route line is ip's own output, split into words as ip printed them.
          while read -r r; do [ -n "$r" ] && ip route add $r dev "$nic" 2>/dev/null; done < "$1/nic.routes"
          rm -f "$1/nic"
        }
        cleanup() {
          d=$1
          [ -d "$d" ] || return 0
          # Every process a run started on this host carries VIRTLAB_RUN=<its folder> (children inherit it).
          for e in /proc/[0-9]*/environ; do
            p=${e#/proc/}; p=${p%/environ}
            [ "$p" = "$$" ] && continue
            tr '\0' '\n' < "$e" 2>/dev/null | grep -qxF "VIRTLAB_RUN=$d" && kill -KILL "$p" 2>/dev/null
          done
          if [ -f "$d/taps" ]; then while read -r t; do [ -n "$t" ] && ip link del "$t" 2>/dev/null; done < "$d/taps"; fi
          if [ -f "$d/cuts" ]; then while read -r a; do [ -n "$a" ] && ip route del blackhole "$a" 2>/dev/null; done < "$d/cuts"; fi
          restore_nic "$d"
          [ -f "$d/isolated" ] && ip link del "$(cat "$d/bridge")" 2>/dev/null
          rm -rf "$d"
        }

        """;

    /// <summary>$1: the run folder. Ends what the run started there and undoes what it changed.</summary>
    public const string Cleanup = Functions + """cleanup "$1" """;

    /// <summary>
    /// $1: the folder that holds run folders. Cleans every run folder whose watchdog is gone (a
    /// build killed together with its watchdog, a host rebooted mid-run) and prints each one.
    /// </summary>
    public const string Reap = Functions + """
        for d in "$1"/*/; do
          d=${d%/}
          [ -d "$d" ] || continue
          w=$(cat "$d/watchdog.pid" 2>/dev/null)
          if [ -n "$w" ] && kill -0 "$w" 2>/dev/null && tr '\0' '\n' < "/proc/$w/cmdline" | grep -qxF "$d"; then continue; fi
          cleanup "$d"
          echo "$d"
        done
        """;

    /// <summary>
    /// $1: the run folder. Waits while the SSH session that started it lives (its sshd process),
    /// then cleans the run folder: a build killed with -9, a lost network, a closed laptop. A
    /// session without a terminal gets no SIGHUP when it drops, so the sshd process is watched.
    /// </summary>
    public const string Watchdog = Functions + """
        d=$1
        echo $$ > "$d/watchdog.pid"
        p=$$
        while [ "$p" -gt 1 ]; do
          p=$(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f2)
          case $(cat "/proc/$p/comm") in sshd*) break ;; esac
        done
        if [ "$p" -le 1 ]; then echo "no sshd above the watchdog" >&2; rm -f "$d/watchdog.pid"; exit 3; fi
        echo watching
        while [ -d "$d" ] && kill -0 "$p" 2>/dev/null; do sleep 1; done
        cleanup "$d"
        """;

    /// <summary>
    /// $1 run folder, $2 NIC, $3 bridge, $4 lab address (CIDR). Host-NIC mode as the homework built
    /// it: the NIC enslaved to the bridge, which takes over the NIC's MAC, addresses and routes and
    /// also carries the lab address. One script, because the SSH session that sends it travels over
    /// that NIC: half of it done leaves the host unreachable, so a failed step restores the NIC
    /// before the script ends.
    /// </summary>
    public const string BridgeNic = Functions + """
        d=$1 nic=$2 br=$3 lab=$4
        [ -e "/sys/class/net/$nic" ] || { echo "there is no interface $nic" >&2; exit 3; }
        [ -e "/sys/class/net/$br" ] && { echo "an interface $br exists already" >&2; exit 3; }
        [ -e "/sys/class/net/$nic/master" ] && { echo "$nic is a port of $(basename "$(readlink "/sys/class/net/$nic/master")") already" >&2; exit 3; }
        ip -o -4 addr show dev "$nic" | awk '{print $4}' > "$d/nic.addrs"
        ip -4 route show dev "$nic" | grep -v ' proto kernel ' > "$d/nic.routes"
        printf '%s\n' "$br" > "$d/bridge"
        printf '%s\n' "$nic" > "$d/nic"
        mac=$(cat "/sys/class/net/$nic/address")
        move() { while read -r a; do ip addr del "$a" dev "$nic" && ip addr add "$a" dev "$br" || return 1; done < "$d/nic.addrs"; }
        if ip link add "$br" type bridge stp_state 0 forward_delay 0 && ip link set "$br" address "$mac" \
           && ip link set "$nic" master "$br" && ip link set "$br" up && move && ip addr add "$lab" dev "$br"; then
          while read -r r; do [ -n "$r" ] && ip route add $r dev "$br" 2>/dev/null; done < "$d/nic.routes"
          exit 0
        fi
        restore_nic "$d"
        exit 4
        """;

    /// <summary>
    /// $1 run folder, $2 bridge, $3 lab address (CIDR): a bridge of VirtLab's own with the lab
    /// address and no NIC, for guests that only talk to their host (sysbench, a host-side iperf).
    /// </summary>
    public const string IsolatedBridge = """
        d=$1 br=$2 lab=$3
        [ -e "/sys/class/net/$br" ] && { echo "an interface $br exists already" >&2; exit 3; }
        printf '%s\n' "$br" > "$d/bridge"
        printf 'isolated\n' > "$d/isolated"
        ip link add "$br" type bridge stp_state 0 forward_delay 0 && ip link set "$br" up && ip addr add "$lab" dev "$br" && exit 0
        ip link del "$br" 2>/dev/null
        rm -f "$d/isolated"
        exit 4
        """;

    /// <summary>$1 run folder, $2 tap, $3 bridge: a tap on the bridge, written down first so cleanup removes it.</summary>
    public const string AddTap = """
        printf '%s\n' "$2" >> "$1/taps"
        ip link del "$2" 2>/dev/null
        ip tuntap add dev "$2" mode tap && ip link set "$2" master "$3" && ip link set "$2" up
        """;

    /// <summary>$1 run folder, $2 address: a blackhole route to it, so the stream's packets vanish (no RST).</summary>
    public const string Cut = """
        printf '%s\n' "$2" >> "$1/cuts"
        ip route add blackhole "$2"
        """;

    /// <summary>$1 address: the blackhole route removed again.</summary>
    public const string Uncut = """ip route del blackhole "$1" """;

    /// <summary>$1 pid file: exit 0 when it names a running QEMU.</summary>
    public const string QemuRunning = """p=$(cat "$1" 2>/dev/null) && [ -n "$p" ] && grep -q qemu "/proc/$p/comm" 2>/dev/null""";
}
