#!/usr/bin/env bash
# What VirtLab's statistics give on this machine, all from this one run (figures, no assertions):
#   1. the 95 % confidence interval of each headline figure's median, as a share of the median
#      (Harrell–Davis, as compare.md prints it), per cell;
#   2. an A/A comparison: the same experiments measured twice with the same configuration and
#      compared with -p:CompareWith — every verdict other than "~" is a false one;
#   3. what adaptive repeats cost: runs made beyond each cell's minimum, and why cells stopped.
# Usage: bench/statistics.sh [profile [-p:Property=value ...]] (default thorough: adaptive repeats,
# the homework's sizes; one to two hours here). Properties after the profile go to every build, e.g.
# -p:VirtLabRepeatsMax=8 to bound adaptive repeats lower. Writes bench/results/statistics.md.
# Run as root, from any folder.
# Nothing leaves the machine: guests live in the builds' network namespaces.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

profile=${1:-thorough}
shift || true
overrides=("$@")
experiments=(kvm-vs-tcg virtio-vs-e1000)
results=$root/bench/results
work=$results/statistics.work
report=$results/statistics.md

bench_name=statistics
. "$root/bench/lib.sh"
require_root
bench_start vlstats

# Headline metrics: the figure each cell is judged by (and adaptive repeats converge on).
headline='^(events_per_second|transfer_rate|throughput|tcp_rr_latency_p50) '

echo "statistics bench: profile $profile ${overrides[*]}, experiments ${experiments[*]}; logs in $work"
for e in "${experiments[@]}"; do
    out=$root/results/$e; [ "$profile" = default ] || out=$out-$profile
    echo "  $e: run A"
    seconds_a=$(timed "$work/$e-a.log" dotnet build "experiments/$e.proj" "-p:Profile=$profile" -p:Force=true "${overrides[@]}")
    mkdir -p "$work/a"
    rm -rf "$work/a/$e-$profile"
    cp -r "$out" "$work/a/$e-$profile"
    echo "  $e: run B, compared with A"
    seconds_b=$(timed "$work/$e-b.log" dotnet build "experiments/$e.proj" "-p:Profile=$profile" -p:Force=true "${overrides[@]}" "-p:CompareWith=$work/a/$e-$profile")
    cp "$out/compare.md" "$work/$e-compare.md"
    cp "$out/records.ndjson" "$work/$e-b.ndjson"
    echo "$e $seconds_a $seconds_b" >>"$work/times.txt"
done

{
    echo "# Statistics bench — profile $profile${overrides:+ ${overrides[*]}} ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores)"
    echo
    echo "## 1. 95 % CI of the median, as a share of the median (run B)"
    echo
    echo "| experiment | metric | condition | median [95 % CI] (n) | half-width / median |"
    echo "|---|---|---|---|---:|"
    for e in "${experiments[@]}"; do
        # compare.md rows: | metric (unit) | condition | baseline | this run | ratio | p | change | verdict |
        # (python, not awk: Debian's default awk is mawk, which has no match() with captures)
        python3 - "$work/$e-compare.md" "$e" <<'PY'
import re, sys
headline = {"events_per_second", "transfer_rate", "throughput", "tcp_rr_latency_p50"}
for line in open(sys.argv[1], encoding="utf-8"):
    cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
    if not line.startswith("| ") or len(cells) < 8 or cells[0] == "metric" or cells[0].split(" ")[0] not in headline:
        continue
    metric, condition, run = cells[0], cells[1], cells[3]
    m = re.match(r"^([0-9.eE+-]+) \[([0-9.eE+-]+), ([0-9.eE+-]+)\]", run)
    share = f"{100 * (float(m[3]) - float(m[2])) / 2 / float(m[1]):.1f} %" if m else "n/a (too few values)"
    print(f"| {sys.argv[2]} | {metric} | {condition} | {run} | {share} |")
PY
    done
    echo
    echo "## 2. A/A: the same configuration twice"
    echo
    echo "| experiment | figures compared | false verdicts (better or worse) | too few repeats to show any difference |"
    echo "|---|---:|---:|---:|"
    for e in "${experiments[@]}"; do
        line=$(grep -m1 'figures measured in both runs' "$work/$e-compare.md")
        total=$(sed -E 's/^([0-9]+) figures.*/\1/' <<<"$line")
        better=$(sed -E 's/.*\*\*([0-9]+) better\*\*.*/\1/' <<<"$line")
        worse=$(sed -E 's/.*\*\*([0-9]+) worse\*\*.*/\1/' <<<"$line")
        small=$(grep -m1 -oE '^[0-9]+ of them have too few repeats' "$work/$e-compare.md" | cut -d' ' -f1 || true)
        echo "| $e | $total | $((better + worse)) | ${small:-0} |"
    done
    echo
    echo "At a 5 % level about one figure in twenty may be called different by chance."
    echo
    echo "## 3. What adaptive repeats cost (run B)"
    echo
    echo "| experiment | cells | runs made | runs beyond the minimum | noisy runs | stopped: converged / max-runs / fixed |"
    echo "|---|---:|---:|---:|---:|---|"
    min=$(dotnet msbuild "experiments/${experiments[0]}.proj" "-p:Profile=$profile" "${overrides[@]}" -getProperty:VirtLabRepeats)
    for e in "${experiments[@]}"; do
        python3 - "$work/$e-b.ndjson" "$e" "$min" <<'PY'
import json, sys, collections
cells = {}
noisy = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    l = r["labels"]
    if "runs" not in l or r["metric"] not in ("events_per_second", "transfer_rate", "throughput", "tcp_rr_latency_p50"):
        continue
    key = (l.get("accel"), l.get("workload"), l.get("nic"), l.get("direction"), l.get("tool"))
    cells[key] = (int(l["runs"]), l["stop_reason"])
    noisy += l.get("noisy") == "true"
stops = collections.Counter(s for _, s in cells.values())
runs = sum(n for n, _ in cells.values())
extra = runs - len(cells) * int(sys.argv[3])
print(f"| {sys.argv[2]} | {len(cells)} | {runs} | {extra} ({100 * extra / max(1, runs - extra):.0f} %) | {noisy} | {stops['converged']} / {stops['max-runs']} / {stops['fixed']} |")
PY
    done
    echo
    echo "Runs beyond the minimum: runs made minus cells × the profile's minimum ($min), and that as a share of the minimum."
    echo
    echo "## Wall time"
    echo
    echo "| experiment | run A (s) | run B (s) |"
    echo "|---|---:|---:|"
    while read -r e a b; do echo "| $e | $a | $b |"; done <"$work/times.txt"
} | tee "$report"
