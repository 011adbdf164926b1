#!/usr/bin/env bash
# Harness overhead of the virtio-vs-e1000 experiment on the network path, measured in this one run:
# guest -> host TCP throughput over virtio-net-pci (iperf3, median of 3 runs) in the guest the
# pipeline booted (BootGuest + RunIperf, client driven over SSH.NET), against the same iperf3 run
# in a guest started by hand from the same QEMU command line, in a namespace this script makes,
# with the client driven over OpenSSH.
#     overhead = 1 - pipeline / by hand                                       goal <= 2 %
# Prints a table and writes it to bench/results/virtio-vs-e1000.md. Run as root, from any folder.
# Nothing leaves the machine: guests live in network namespaces (the pipeline's labs and
# vlbench-<pid>), and the root namespace only talks to 127.0.0.1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bench_proj=$root/bench/virtio-vs-e1000.bench.proj
results=$root/bench/results
work=$results/virtio-vs-e1000.work    # logs and per-round outputs, kept for a look after the run
report=$results/virtio-vs-e1000.md

rounds=3
duration=10
interval=1
goal=2
port=5201
nic=virtio-net-pci
raw_name=$nic-guest-to-host-r1.json   # RunIperf's raw file for one repeat of the bench's cell

ns=vlbench-$$
tmp=
hand_server=
# A signal's trap runs with the redirections of the command it interrupted; fd 3 keeps our stderr.
exec 3>&2

die() { echo "virtio-vs-e1000 bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it creates a network namespace and starts QEMU)."
command -v dotnet >/dev/null || die "dotnet is not on PATH."
command -v python3 >/dev/null || die "python3 is not on PATH (it reads iperf3's JSON)."

# ---------------------------------------------------------------------------------------------
# Cleanup: the by-hand guest, iperf3 server and namespace. The pipeline's own labs are torn down
# by the builds (and by their watchdogs if a build dies).
# ---------------------------------------------------------------------------------------------
stop_hand_guest() {
    local pidfile=$tmp/qemu.pid pid i
    [ -n "$tmp" ] && [ -s "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '^qemu-system'; then
        kill "$pid" 2>/dev/null || true
        for i in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

stop_hand_server() {
    [ -n "$hand_server" ] || return 0
    kill "$hand_server" 2>/dev/null || true
    wait "$hand_server" 2>/dev/null || true
    hand_server=
}

cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    stop_hand_server
    stop_hand_guest
    if [ -e "/var/run/netns/$ns" ]; then
        for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns"
    fi
    [ -n "$tmp" ] && rm -rf "$tmp"
    [ "$status" = 0 ] || echo "virtio-vs-e1000 bench: stopped (status $status); logs in $work" >&3
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d /tmp/vlbench.XXXXXX)
rm -rf "$work"
mkdir -p "$work"

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { printf '%s\n' "$@" | sort -g | head -n1; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n1; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
at_most() { awk -v v="$1" -v g="$2" 'BEGIN { exit !(v <= g) }' && echo ok || echo "not ok"; }
env_value() { sed -n "s/^$1=//p" "$2"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# (max - min) / median in percent: how much a set of repeats disagrees with itself.
spread() { awk -v lo="$(minimum "$@")" -v hi="$(maximum "$@")" -v m="$(median "$@")" 'BEGIN { printf "%.1f", (hi - lo) / m * 100 }'; }

# The received throughput of one iperf3 -J run, in Mbit/s.
received_mbits() {
    python3 - "$1" <<'EOF' || die "no throughput in $1"
import json, sys
with open(sys.argv[1]) as f:
    run = json.load(f)
if "error" in run:
    sys.exit(f"iperf3: {run['error']}")
print(f"{run['end']['sum_received']['bits_per_second'] / 1e6:.2f}")
EOF
}

# On 2 cores, someone else's guest skews every figure. Called before and after each round, when
# none of ours runs; a round that starts or ends beside a foreign QEMU is listed as contended.
foreign_qemu=0 contended=
count_qemu() { ps -eo stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^qemu-system/' | wc -l; }
note_foreign_qemu() {
    local n
    n=$(count_qemu)
    if [ "$n" -gt "$foreign_qemu" ]; then
        echo "   WARNING: $n QEMU process(es) not started by this bench are running; figures will be noisy"
        foreign_qemu=$n
    fi
}

load_start=$(loadavg)
note_foreign_qemu

# ---------------------------------------------------------------------------------------------
# Pipeline rounds
# ---------------------------------------------------------------------------------------------
pipe_mbits=() hand_mbits=()
last_round_dir=

# Sets $note for a round's result line, and lists the round as contended, when a foreign QEMU ran
# at its start ($2) or end.
check_contention() {
    local label=$1 before=$2 after
    after=$(count_qemu)
    note=
    [ "$before" -gt 0 ] || [ "$after" -gt 0 ] || return 0
    contended="${contended:+$contended, }$label"
    note=" (contended: $before foreign QEMU at start, $after at end)"
}

# One pipeline round: a build of bench/virtio-vs-e1000.bench.proj (lab up, BootGuest, RunIperf, StopGuest, teardown).
pipeline_round() {
    local round=$1 dir=$work/round-$1 before
    note_foreign_qemu
    before=$(count_qemu)
    dotnet build "$bench_proj" -p:BenchOut="$work" -p:Round="$round" \
        -p:DurationSeconds="$duration" -p:IntervalSeconds="$interval" >>"$work/pipeline.log" 2>&1 \
        || die "the pipeline round $round failed; see $work/pipeline.log"
    last_round_dir=$dir
    pipe_mbits+=("$(received_mbits "$dir/raw/$raw_name")")
    check_contention "P$round" "$before"
    echo "   round $round pipeline: ${pipe_mbits[-1]} Mbit/s$note"
}

# ---------------------------------------------------------------------------------------------
# By-hand rounds
# ---------------------------------------------------------------------------------------------

# The by-hand lab, from the latest pipeline round (the tree may change while this runs): the
# pipeline's QEMU command line, captured from /proc by the bench .proj, with only its per-lab files
# moved into $tmp; a namespace with br0 and the same tap, as LabNetwork makes them.
prepare_hand_lab() {
    local dir=$last_round_dir prev= arg tap= address prefix
    local -a captured
    qemu_args=()
    mapfile -d '' -t captured <"$dir/qemu.cmdline"
    for arg in "${captured[@]:1}"; do
        case $prev in
            -pidfile) arg=$tmp/qemu.pid ;;
            -serial) arg=file:$tmp/serial.log ;;
            -qmp) arg=unix:$tmp/qmp.sock,${arg#*,} ;;
            -netdev) tap=$(sed -n 's/.*ifname=\([^,]*\).*/\1/p' <<<"$arg") ;;
        esac
        case $arg in /run/virtlab/*|*:/run/virtlab/*) die "unexpected per-lab path '$arg' in the captured QEMU command line" ;; esac
        qemu_args+=("$arg")
        prev=$arg
    done
    [ -n "$tap" ] || die "no tap in the captured QEMU command line ($dir/qemu.cmdline)"

    address=$(env_value guest_address "$dir/lab.env")
    host_address=$(env_value host_address "$dir/lab.env")
    prefix=$(env_value prefix_length "$dir/lab.env")
    hand_key=$(env_value private_key "$dir/lab.env")
    hand_target=root@$address
    echo "$address $(cat "$(env_value host_key "$dir/lab.env")")" >"$tmp/known_hosts"
    # What RunIperf runs in the guest for these values (IperfCommand.Iperf3Client, port 5201); keep in step.
    iperf_client="iperf3 -c $host_address -t $duration -i $interval -J -p $port"

    [ -e "/var/run/netns/$ns" ] && return
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$ns" addr add "$host_address/$prefix" dev br0
    ip -n "$ns" link set br0 up
    ip -n "$ns" tuntap add dev "$tap" mode tap
    ip -n "$ns" link set "$tap" master br0
    ip -n "$ns" link set "$tap" up
}

# Bounded like a RunIperf run (3 x duration + 60 s).
hand_ssh() {
    timeout $((duration * 3 + 60)) ip netns exec "$ns" ssh -F /dev/null -i "$hand_key" -o IdentitiesOnly=yes -o BatchMode=yes \
        -o UserKnownHostsFile="$tmp/known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
        -o ConnectTimeout=5 "$hand_target" "$@"
}

# iperf3 -s -1 in the namespace, as RunIperf starts it (one test, then it exits).
start_hand_server() {
    local i
    ip netns exec "$ns" iperf3 -s -1 -p "$port" >>"$work/hand-server.log" 2>&1 &
    hand_server=$!
    for i in $(seq 100); do
        ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q ":$port" && return
        kill -0 "$hand_server" 2>/dev/null || die "the by-hand iperf3 server exited; see $work/hand-server.log"
        sleep 0.1
    done
    die "the by-hand iperf3 server did not listen on port $port within 10 s"
}

hand_round() {
    local round=$1 start i before out=$work/hand-$1.json
    prepare_hand_lab
    note_foreign_qemu
    before=$(count_qemu)
    : >"$tmp/serial.log"
    start=$(now)
    ip netns exec "$ns" qemu-system-x86_64 "${qemu_args[@]}" >>"$work/hand.log" 2>&1 || die "QEMU did not start; see $work/hand.log"
    until grep -q VIRTLAB-READY "$tmp/serial.log" && hand_ssh true 2>>"$work/hand.log"; do
        [ -d "/proc/$(cat "$tmp/qemu.pid")" ] || die "the by-hand guest exited during boot; console: $(tail -n 5 "$tmp/serial.log")"
        [ "$(elapsed "$start" "$(now)" | cut -d. -f1)" -lt 120 ] || die "the by-hand guest did not answer SSH within 120 s"
        sleep 0.2
    done

    start_hand_server
    hand_ssh "$iperf_client" >"$out" 2>>"$work/hand.log" || die "iperf3 over OpenSSH failed; see $out and $work/hand.log"
    for i in $(seq 50); do kill -0 "$hand_server" 2>/dev/null || break; sleep 0.1; done
    stop_hand_server
    stop_hand_guest
    hand_mbits+=("$(received_mbits "$out")")
    check_contention "H$round" "$before"
    echo "   round $round by hand:  ${hand_mbits[-1]} Mbit/s$note"
}

# ---------------------------------------------------------------------------------------------
# Rounds: P H, H P, P H, so a slow drift of the machine weighs on both sides alike; one guest at a
# time. A by-hand round needs a captured command line, so the first round starts with the pipeline.
# ---------------------------------------------------------------------------------------------
echo "== harness overhead, $nic guest -> host: $rounds interleaved rounds of iperf3 -t $duration (pipeline, by hand)"
order=
for round in $(seq "$rounds"); do
    if [ $((round % 2)) = 1 ]; then
        pipeline_round "$round"; hand_round "$round"; order="${order:+$order, }P H"
    else
        hand_round "$round"; pipeline_round "$round"; order="${order:+$order, }H P"
    fi
done

pipe_median=$(median "${pipe_mbits[@]}")
hand_median=$(median "${hand_mbits[@]}")
overhead=$(calc "%.2f" "(1 - $pipe_median / $hand_median) * 100")
pipe_spread=$(spread "${pipe_mbits[@]}")
hand_spread=$(spread "${hand_mbits[@]}")

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
rows=(
    "harness overhead, $nic guest -> host (1 - pipeline/by hand)|$overhead %|<= $goal %|$(at_most "$overhead" "$goal")"
)
details=(
    "iperf3 -t $duration, guest -> host over $nic, end.sum_received (Mbit/s): pipeline ${pipe_mbits[*]} (median $pipe_median, spread $pipe_spread %); by hand ${hand_mbits[*]} (median $hand_median, spread $hand_spread %)"
    "round order: $order; pipeline = BootGuest + RunIperf (SSH.NET through the lab forwarder), by hand = the captured QEMU command line + OpenSSH in $ns"
    "load average: $load_start at start, $(loadavg) at end; $(nproc) cores"
)
if [ "$(at_most "$(maximum "$pipe_spread" "$hand_spread")" "$goal")" != ok ]; then
    details+=("NOTE: the repeats disagree by more than the $goal % goal, so the overhead figure is within the noise of this machine")
fi
note_foreign_qemu
if [ "$foreign_qemu" != 0 ] || [ -n "$contended" ]; then
    details+=("WARNING: up to $foreign_qemu QEMU process(es) not started by this bench ran between rounds and shared the cores; contended rounds: ${contended:-none at a round start or end}")
fi

echo
printf '%-69s  %-8s  %-7s  %s\n' figure value goal result
for row in "${rows[@]}"; do
    IFS='|' read -r figure value goal_text result <<<"$row"
    printf '%-69s  %-8s  %-7s  %s\n' "$figure" "$value" "$goal_text" "$result"
done
echo
printf '  %s\n' "${details[@]}"

{
    echo "# virtio-vs-e1000 bench"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo
    echo "| figure | value | goal | result |"
    echo "|---|---|---|---|"
    for row in "${rows[@]}"; do
        IFS='|' read -r figure value goal_text result <<<"$row"
        echo "| $figure | $value | ${goal_text/<=/≤} | $result |"
    done
    echo
    printf -- '- %s\n' "${details[@]}"
} >"$report.tmp"
mv "$report.tmp" "$report"
echo
echo "written to ${report#"$root"/}"
