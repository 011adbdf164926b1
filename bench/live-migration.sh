#!/usr/bin/env bash
# Live-migration figures, all measured in this one run by the pipeline itself (the
# live-migration targets and LiveMigrate, on a scenario list of this script's own):
#   1. an idle guest, migrated back and forth 5 times: total time, QEMU downtime, the
#      network-observed downtime (ping every 5 ms) and the RAM sent
#   2. the dirty-memory load (lab.yaml's migration.dirtyMemory, stress-ng --vm … --verify) with
#      QEMU's default settings (cancelled at a deadline when it does not converge) and with
#      auto-converge
# Prints a table and writes it to bench/results/live-migration.md. Run as root, from any folder.
# Nothing leaves the machine: both QEMUs, the migration stream (127.0.0.1), ping and tcpdump run
# in the build's lab namespace, which the build (or its watchdog) removes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
results=$root/bench/results
work=$results/live-migration.work   # build log, records and raw outputs, kept for a look after the run
report=$results/live-migration.md
idle_migrations=5
default_deadline=30                 # seconds; QEMU's defaults do not converge under this load here

bench_name=live-migration
. "$root/bench/lib.sh"
require_root

bench_start vlbench-migration

idle_list=$(printf 'idle;%.0s' $(seq "$idle_migrations"))
# The experiment's own targets with this bench's scenarios; -p:Force=true measures them every time.
cat >"$bench_tmp/live-migration-bench.proj" <<PROJ
<Project DefaultTargets="Build">
  <PropertyGroup>
    <Experiment>live-migration-bench</Experiment>
    <LabFile>$root/experiments/lab.yaml</LabFile>
    <ResultsDir>$work/results/</ResultsDir>
    <SummaryKind>migration</SummaryKind>
    <SummaryTemplate>$root/templates/live-migration-summary.md.sbn</SummaryTemplate>
  </PropertyGroup>
  <ItemGroup>
    <MigrationScenario Include="idle" Workloads="${idle_list%;}" Quick="true" />
    <MigrationScenario Include="dirty-default" Workloads="dirty-memory" DeadlineSeconds="$default_deadline" Quick="true" />
    <MigrationScenario Include="dirty-auto-converge" Workloads="dirty-memory" Capabilities="auto-converge" DeadlineSeconds="180" Quick="true" />
  </ItemGroup>
  <Target Name="Build" DependsOnTargets="VirtLabExperiment" />
  <Import Project="$root/Directory.Build.targets" />
</Project>
PROJ

echo "== building the bench scenarios (quick profile sizes: $idle_migrations idle migrations, dirty-memory default and auto-converge)"
start=$EPOCHREALTIME
# A guest that fails its integrity check after a migration is kept (labelled) rather than failing the
# build: the bench reports it in its own column.
dotnet build "$bench_tmp/live-migration-bench.proj" -p:Profile=quick -p:Force=true >"$work/build.log" 2>&1 \
    || die "the build failed; see $work/build.log"
wall=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
records=$work/results/records.ndjson
[ -s "$records" ] || die "no records in $records"

# The value of one kind=migration record: value <scenario> <migration> <metric>. Records are one
# JSON object a line with "metric" first and sorted labels, as VirtLab writes them.
value() {
    grep "^{\"metric\":\"$3\"," "$records" | grep "\"kind\":\"migration\"" | grep "\"migration\":\"$2\"" | grep "\"scenario\":\"$1\"" \
        | sed -n 's/.*"value":\([-0-9.eE+]*\|null\),.*/\1/p' | head -n1 || true
}
label() {
    grep "\"kind\":\"migration\"" "$records" | grep "\"migration\":\"$2\"" | grep "\"scenario\":\"$1\"" \
        | sed -n "s/.*\"$3\":\"\\([^\"]*\\)\".*/\\1/p" | head -n1 || true
}

total=() down=() net=() sent=() idle_integrity=verified
for i in $(seq "$idle_migrations"); do
    outcome=$(label idle "$i" outcome)
    [ -n "$outcome" ] || break   # the guest died in an earlier migration: the rest was not measured
    [ "$(label idle "$i" integrity)" = verified ] || idle_integrity="FAILED (migration $i)"
    [ "$outcome" = completed ] || continue
    total+=("$(value idle "$i" migration_total_time)")
    down+=("$(value idle "$i" migration_downtime)")
    net+=("$(value idle "$i" network_downtime)")
    sent+=("$(value idle "$i" migration_ram_transferred)")
done
[ "${#total[@]}" -gt 0 ] || die "no idle migration completed; see $work/build.log"

median1() { fmt "$(median "$@")" 1; }
rows=("idle guest, median of ${#total[@]}|completed ×${#total[@]}|$(median1 "${total[@]}") ($(range "${total[@]}"))|$(median1 "${down[@]}") ($(range "${down[@]}"))|$(median1 "${net[@]}") ($(range "${net[@]}"))|$(median1 "${sent[@]}")|—|$idle_integrity")
for s in dirty-default dirty-auto-converge; do
    outcome=$(label "$s" 1 outcome)
    elapsed=$(value "$s" 1 migration_elapsed)
    t=$(value "$s" 1 migration_total_time)
    [ -n "$t" ] || t=">$(fmt "$elapsed" 0) s (cancelled)"
    integrity=$(label "$s" 1 integrity)
    [ "$integrity" = verified ] || integrity="FAILED"
    rows+=("dirty memory, $(label "$s" 1 settings)|$outcome|$t|$(fmt "$(value "$s" 1 migration_downtime)" 0)|$(fmt "$(value "$s" 1 network_downtime)" 0)|$(fmt "$(value "$s" 1 migration_ram_transferred)" 0)|$(fmt "$(value "$s" 1 migration_cpu_throttle_max)" 0)|$integrity")
done
details=(
    "dirty-memory load: stress-ng --vm … --vm-keep --verify sized by lab.yaml's profiles.quick.migration.dirtyMemory; QEMU's defaults are cancelled (migrate_cancel) after $default_deadline s"
    "network downtime: the silence between two ping replies that spans the guest's pause (ping every 5 ms from the lab namespace)"
    "idle total times (ms): ${total[*]}; downtimes (ms): ${down[*]}; network (ms): ${net[*]}"
    "whole bench: $wall s of builds; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
)
if grep -q '"integrity":"failed"' "$records"; then
    details+=("WARNING: a guest failed its integrity check after a migration (see the integrity column); its console and kernel log are in $work/results/raw/ and obj/virtlab/run/live-migration-bench-quick/")
fi

write_report "$report" ", QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9.]*\).*/\1/p;q') under TCG" \
    "migration|outcome|total time (ms)|QEMU downtime (ms)|network downtime (ms)|RAM sent (MiB)|max CPU throttle (%)|guest integrity" \
    "---|---|---:|---:|---:|---:|---:|---" "36 17 22 18 21 14 20"
