# Shared by the bench scripts: `bench_name=<name>; . "$root/bench/lib.sh"`.
# Arithmetic on figures, the foreign-QEMU check, the by-hand guest (the pipeline's captured QEMU
# command line started in a namespace of the bench's own) and the report table.
# Nothing here sends a packet outside the bench's namespace.

bench_ns=vlbench-$$
bench_tmp=

die() { echo "$bench_name bench: $*" >&2; exit 1; }

# Traps that clean up on exit, Ctrl+C or TERM, then a fresh $work and $bench_tmp. A script that
# starts more than the by-hand guest defines bench_cleanup_hook to stop it; it runs first.
bench_start() {
    # A signal's trap runs with the redirections of the command it interrupted; fd 3 keeps our stderr.
    exec 3>&2
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    bench_tmp=$(mktemp -d "/tmp/$1.XXXXXX")
    rm -rf "$work"
    mkdir -p "$work"
}

# The pipeline's own labs are torn down by the builds (and by their watchdogs if a build dies).
bench_cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if declare -F bench_cleanup_hook >/dev/null; then bench_cleanup_hook; fi
    remove_hand_lab
    [ "$status" = 0 ] || echo "$bench_name bench: stopped (status $status); logs in $work" >&3
    exit "$status"
}

require_root() {
    [ "$(id -u)" = 0 ] || die "run as root (it creates a network namespace and starts QEMU)."
    command -v dotnet >/dev/null || die "dotnet is not on PATH."
}

# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Runs a command with its output appended to a log; prints its wall time in seconds.
timed() {
    local log=$1 start end
    shift
    start=$(now)
    "$@" >>"$log" 2>&1 || die "'$*' failed; see $log"
    end=$(now)
    elapsed "$start" "$end"
}

median() {
    [ $# -gt 0 ] || { echo n/a; return; }
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
minimum() { printf '%s\n' "$@" | sort -g | head -n1; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n1; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f–%.0f", lo, hi }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# A number with d decimals, or n/a for none.
fmt() { [ -z "$1" ] || [ "$1" = null ] || [ "$1" = n/a ] && echo "n/a" || awk -v v="$1" -v d="$2" 'BEGIN { printf "%.*f", d, v }'; }
at_most() { awk -v v="$1" -v g="$2" 'BEGIN { exit !(v <= g) }' && echo ok || echo "not ok"; }
# (max - min) / median in percent: how much a set of repeats disagrees with itself.
spread() { awk -v lo="$(minimum "$@")" -v hi="$(maximum "$@")" -v m="$(median "$@")" 'BEGIN { printf "%.1f", (hi - lo) / m * 100 }'; }
env_value() { sed -n "s/^$1=//p" "$2"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# On 2 cores, someone else's guest skews every figure. Called between rounds, when none of ours runs.
foreign_qemu=0
count_qemu() { ps -eo stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^qemu-system/' | wc -l; }
note_foreign_qemu() {
    local n
    n=$(count_qemu)
    if [ "$n" -gt "$foreign_qemu" ]; then
        echo "   WARNING: $n QEMU process(es) not started by this bench are running; figures will be noisy"
        foreign_qemu=$n
    fi
}

# ---------------------------------------------------------------------------------------------
# The by-hand guest: the pipeline's QEMU command line (captured from /proc by a bench .proj into
# <round>/qemu.cmdline, with the lab's addresses and keys in <round>/lab.env), only its per-lab
# files moved into $bench_tmp, in a namespace with br0 and the same tap, as LabNetwork makes them.
# ---------------------------------------------------------------------------------------------
capture_hand_lab() {
    local dir=$1 prev= arg tap= prefix
    local -a captured
    qemu_args=()
    mapfile -d '' -t captured <"$dir/qemu.cmdline"
    for arg in "${captured[@]:1}"; do
        case $prev in
            -pidfile) arg=$bench_tmp/qemu.pid ;;
            -serial) arg=file:$bench_tmp/serial.log ;;
            -qmp) arg=unix:$bench_tmp/qmp.sock,${arg#*,} ;;
            -netdev) tap=$(sed -n 's/.*ifname=\([^,]*\).*/\1/p' <<<"$arg") ;;
        esac
        case $arg in /run/virtlab/*|*:/run/virtlab/*) die "unexpected per-lab path '$arg' in the captured QEMU command line" ;; esac
        qemu_args+=("$arg")
        prev=$arg
    done
    [ -n "$tap" ] || die "no tap in the captured QEMU command line ($dir/qemu.cmdline)"

    hand_address=$(env_value guest_address "$dir/lab.env")
    host_address=$(env_value host_address "$dir/lab.env")
    prefix=$(env_value prefix_length "$dir/lab.env")
    hand_key=$(env_value private_key "$dir/lab.env")
    echo "$hand_address $(cat "$(env_value host_key "$dir/lab.env")")" >"$bench_tmp/known_hosts"

    [ -e "/var/run/netns/$bench_ns" ] && return
    ip netns add "$bench_ns"
    ip -n "$bench_ns" link set lo up
    ip -n "$bench_ns" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$bench_ns" addr add "$host_address/$prefix" dev br0
    ip -n "$bench_ns" link set br0 up
    ip -n "$bench_ns" tuntap add dev "$tap" mode tap
    ip -n "$bench_ns" link set "$tap" master br0
    ip -n "$bench_ns" link set "$tap" up
}

# OpenSSH into the by-hand guest with its pinned host key; $hand_ssh_timeout bounds it when set.
hand_ssh() {
    ${hand_ssh_timeout:+timeout "$hand_ssh_timeout"} ip netns exec "$bench_ns" ssh -F /dev/null -i "$hand_key" -o IdentitiesOnly=yes -o BatchMode=yes \
        -o UserKnownHostsFile="$bench_tmp/known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
        -o ConnectTimeout=5 "root@$hand_address" "$@"
}

# Starts the by-hand guest and waits until its console says READY and SSH answers; prints the
# seconds from the QEMU start (script-side polling, so a little coarser than BootGuest's figure).
boot_hand_guest() {
    local log=$1 start
    : >"$bench_tmp/serial.log"
    start=$(now)
    ip netns exec "$bench_ns" qemu-system-x86_64 "${qemu_args[@]}" >>"$log" 2>&1 || die "QEMU did not start; see $log"
    until grep -q VIRTLAB-READY "$bench_tmp/serial.log" && hand_ssh true 2>>"$log"; do
        [ -d "/proc/$(cat "$bench_tmp/qemu.pid")" ] || die "the by-hand guest exited during boot; console: $(tail -n 5 "$bench_tmp/serial.log")"
        [ "$(elapsed "$start" "$(now)" | cut -d. -f1)" -lt 120 ] || die "the by-hand guest did not answer SSH within 120 s"
        sleep 0.2
    done
    elapsed "$start" "$(now)"
}

stop_hand_guest() {
    local pidfile=$bench_tmp/qemu.pid pid i
    [ -n "$bench_tmp" ] && [ -s "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '^qemu-system'; then
        kill "$pid" 2>/dev/null || true
        for i in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

# The by-hand guest, anything else in the bench's namespace, the namespace and the temp folder.
remove_hand_lab() {
    local pid
    stop_hand_guest
    if [ -e "/var/run/netns/$bench_ns" ]; then
        for pid in $(ip netns pids "$bench_ns"); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$bench_ns"
    fi
    [ -n "$bench_tmp" ] && rm -rf "$bench_tmp"
    bench_tmp=
}

# ---------------------------------------------------------------------------------------------
# Report: the array rows ("a|b|c", one cell per column) and the array details (one line each),
# printed as a table and written as Markdown to the report file, atomically.
#   write_report <file> <what the heading line adds> <header "a|b|c"> <Markdown alignment "---|---:|…"> <column widths "36 17 …">
# In Markdown, "<=" becomes "≤".
# ---------------------------------------------------------------------------------------------
print_row() {
    local -a widths cells
    local i
    read -r -a widths <<<"$1"
    IFS='|' read -r -a cells <<<"$2"
    for i in "${!cells[@]}"; do
        if [ "$i" -lt "$((${#cells[@]} - 1))" ]; then printf "%-${widths[$i]:-12}s  " "${cells[$i]}"; else printf '%s\n' "${cells[$i]}"; fi
    done
}

write_report() {
    local report=$1 extra=$2 header=$3 align=$4 widths=$5 row
    echo
    print_row "$widths" "$header"
    for row in "${rows[@]}"; do print_row "$widths" "$row"; done
    echo
    printf '  %s\n' "${details[@]}"
    {
        echo "# $bench_name bench"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')$extra"
        echo
        echo "| ${header//|/ | } |"
        echo "|$align|"
        for row in "${rows[@]}"; do
            row=${row//<=/≤}
            echo "| ${row//|/ | } |"
        done
        echo
        printf -- '- %s\n' "${details[@]}"
    } >"$report.tmp"
    mv "$report.tmp" "$report"
    echo
    echo "written to ${report#"$root"/}"
}

# The goal table of the harness benches: figure, value, goal, result.
write_goal_report() { write_report "$1" "" "figure|value|goal|result" "---|---|---|---" "$2 8 7"; }
