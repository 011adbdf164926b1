#!/usr/bin/env bash
# Soak: one guest live-migrated $SOAK_MIGRATIONS times in a row (default 50; mig-0 → mig-1 → …, each
# to a new QEMU process on the lab bridge), by the pipeline itself (the live-migration targets
# and LiveMigrate, on one scenario of this script's own with that many idle migrations). Prints,
# without judging them:
#   - the orchestrator's (the process running LiveMigrate) open files, RSS and threads after the
#     first and the last migration, their largest value and the trend (median of the last five
#     minus median of the first five) — LiveMigrate logs them after every migration;
#   - the host's processes, QEMU processes, network namespaces and /run/virtlab labs before the
#     build and after it;
#   - how many migrations completed and how many guests were verified (pattern, kernel log).
# Writes the table to bench/results/soak.md. Run as root, from any folder.
# Nothing leaves the machine: both QEMUs, the migration stream (127.0.0.1) and ping run in the
# build's lab namespace, which the build (or its watchdog) removes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
results=$root/bench/results
work=$results/soak.work   # build log, records and raw outputs, kept for a look after the run
report=$results/soak.md
migrations=${SOAK_MIGRATIONS:-50}
[[ "$migrations" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "soak bench: SOAK_MIGRATIONS must be a whole number from 1 to 999" >&2; exit 2; }

bench_name=soak
. "$root/bench/lib.sh"
require_root

bench_start vlbench-soak

host_processes() { find /proc -maxdepth 1 -name '[0-9]*' | wc -l; }
netns_count() { ip netns list | wc -l; }
lab_count() { find /run/virtlab -mindepth 1 -maxdepth 1 -type d -name 'virtlab-*' 2>/dev/null | wc -l; }

list=$(printf 'idle;%.0s' $(seq "$migrations"))
cat >"$bench_tmp/soak-bench.proj" <<PROJ
<Project DefaultTargets="Build">
  <PropertyGroup>
    <Experiment>soak-bench</Experiment>
    <LabFile>$root/experiments/lab.yaml</LabFile>
    <ResultsDir>$work/results/</ResultsDir>
    <SummaryKind>migration</SummaryKind>
    <SummaryTemplate>$root/templates/live-migration-summary.md.sbn</SummaryTemplate>
  </PropertyGroup>
  <ItemGroup>
    <MigrationScenario Include="soak" Workloads="${list%;}" Quick="true" />
  </ItemGroup>
  <Target Name="Build" DependsOnTargets="VirtLabExperiment" />
  <Import Project="$root/Directory.Build.targets" />
</Project>
PROJ

# The task library is built first, so the "before" figures are not those of a compiler at work.
dotnet build "$root/src/LabTasks" -c Release >"$work/build-tasks.log" 2>&1 || die "building src/LabTasks failed; see $work/build-tasks.log"
before_processes=$(host_processes) before_qemu=$(count_qemu) before_netns=$(netns_count) before_labs=$(lab_count)

echo "== $migrations consecutive migrations of one idle guest (quick profile timing)"
start=$EPOCHREALTIME
dotnet build "$bench_tmp/soak-bench.proj" -p:Profile=quick -p:Force=true >"$work/build.log" 2>&1 \
    || die "the build failed; see $work/build.log"
wall=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
sleep 2   # the build's MSBuild nodes and task hosts exit on their own
after_processes=$(host_processes) after_qemu=$(count_qemu) after_netns=$(netns_count) after_labs=$(lab_count)

records=$work/results/records.ndjson
[ -s "$records" ] || die "no records in $records"
# "soak: after migration 7: open files 87, RSS 95.2 MiB, threads 41" (MigrationScenarioRunner's log line)
footprints=$work/footprints.txt
sed -n 's/.*soak: after migration \([0-9]*\): open files \([0-9]*\), RSS \([0-9.]*\) MiB, threads \([0-9]*\).*/\1 \2 \3 \4/p' "$work/build.log" >"$footprints"
measured=$(wc -l <"$footprints")
[ "$measured" -gt 0 ] || die "no footprint lines in $work/build.log"
column() { awk -v c="$1" '{ print $c }' "$footprints"; }
first() { column "$1" | head -n1; }
last() { column "$1" | tail -n1; }
trend() {
    local -a head tail
    mapfile -t head < <(column "$1" | head -n5)
    mapfile -t tail < <(column "$1" | tail -n5)
    calc "%+.1f" "$(median "${tail[@]}") - $(median "${head[@]}")"
}

completed=$(grep '"metric":"migration_elapsed"' "$records" | grep -c '"outcome":"completed"' || true)
verified=$(grep '"metric":"migration_elapsed"' "$records" | grep -c '"integrity":"verified"' || true)
recorded=$(grep -c '"metric":"migration_elapsed"' "$records" || true)
elapsed=()
mapfile -t elapsed < <(grep '"metric":"migration_elapsed"' "$records" | sed -n 's/.*"value":\([-0-9.eE+]*\),.*/\1/p')

rows=(
    "orchestrator open files|$(first 2)|$(last 2)|$(column 2 | sort -n | tail -n1)|$(trend 2)"
    "orchestrator RSS (MiB)|$(first 3)|$(last 3)|$(column 3 | sort -g | tail -n1)|$(trend 3)"
    "orchestrator threads|$(first 4)|$(last 4)|$(column 4 | sort -n | tail -n1)|$(trend 4)"
    "host processes (before → after the build)|$before_processes|$after_processes|—|$((after_processes - before_processes))"
    "QEMU processes (before → after)|$before_qemu|$after_qemu|—|$((after_qemu - before_qemu))"
    "network namespaces (before → after)|$before_netns|$after_netns|—|$((after_netns - before_netns))"
    "labs under /run/virtlab (before → after)|$before_labs|$after_labs|—|$((after_labs - before_labs))"
)
details=(
    "migrations: $recorded of $migrations recorded, $completed completed, $verified guests verified (16 MiB pattern in guest RAM, kernel log)"
    "orchestrator: the process that ran LiveMigrate, read from /proc/self after each migration; first and last are after migration $(first 1) and $(last 1); trend is the median of the last five minus that of the first five"
    "migration elapsed (s): median $(fmt "$(median "${elapsed[@]}")" 2), range $(fmt "$(minimum "${elapsed[@]}")" 2)–$(fmt "$(maximum "${elapsed[@]}")" 2)"
    "whole build: $wall s; $(nproc) cores; load average $(loadavg) at the end"
)
write_report "$report" ", QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9.]*\).*/\1/p;q') under TCG" \
    "figure|first / before|last / after|largest|change" "---|---:|---:|---:|---:" "42 15 14 8 7"
