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

hand_server=

bench_name=virtio-vs-e1000
. "$root/bench/lib.sh"
require_root
command -v python3 >/dev/null || die "python3 is not on PATH (it reads iperf3's JSON)."

bench_cleanup_hook() { stop_hand_server; }

stop_hand_server() {
    [ -n "$hand_server" ] || return 0
    kill "$hand_server" 2>/dev/null || true
    wait "$hand_server" 2>/dev/null || true
    hand_server=
}

bench_start vlbench

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

# A round that starts or ends beside a foreign QEMU is listed as contended.
contended=
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

# Bounded like a RunIperf run (3 x duration + 60 s).
hand_ssh_timeout=$((duration * 3 + 60))

# iperf3 -s -1 in the namespace, as RunIperf starts it (one test, then it exits).
start_hand_server() {
    local i
    ip netns exec "$bench_ns" iperf3 -s -1 -p "$port" >>"$work/hand-server.log" 2>&1 &
    hand_server=$!
    for i in $(seq 100); do
        ip netns exec "$bench_ns" ss -Hltn "sport = :$port" | grep -q ":$port" && return
        kill -0 "$hand_server" 2>/dev/null || die "the by-hand iperf3 server exited; see $work/hand-server.log"
        sleep 0.1
    done
    die "the by-hand iperf3 server did not listen on port $port within 10 s"
}

# The by-hand guest, from the latest pipeline round (the tree may change while this runs).
hand_round() {
    local round=$1 i before out=$work/hand-$1.json
    capture_hand_lab "$last_round_dir"
    note_foreign_qemu
    before=$(count_qemu)
    boot_hand_guest "$work/hand.log" >/dev/null
    start_hand_server
    # What RunIperf runs in the guest for these values (IperfCommand.Iperf3Client, port 5201); keep in step.
    hand_ssh "iperf3 -c $host_address -t $duration -i $interval -J -p $port" >"$out" 2>>"$work/hand.log" \
        || die "iperf3 over OpenSSH failed; see $out and $work/hand.log"
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
    "round order: $order; pipeline = BootGuest + RunIperf (SSH.NET through the lab forwarder), by hand = the captured QEMU command line + OpenSSH in $bench_ns"
    "load average: $load_start at start, $(loadavg) at end; $(nproc) cores"
)
if [ "$(at_most "$(maximum "$pipe_spread" "$hand_spread")" "$goal")" != ok ]; then
    details+=("NOTE: the repeats disagree by more than the $goal % goal, so the overhead figure is within the noise of this machine")
fi
note_foreign_qemu
if [ "$foreign_qemu" != 0 ] || [ -n "$contended" ]; then
    details+=("WARNING: up to $foreign_qemu QEMU process(es) not started by this bench ran between rounds and shared the cores; contended rounds: ${contended:-none at a round start or end}")
fi

write_goal_report "$report" 69
