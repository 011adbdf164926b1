#!/bin/sh
# Installs every Debian package VirtLab drives: the packages named in src/LabTasks/build/VirtLab.Tools.props
# (QEMU, the benchmarks, the guest's userland, the network tools, and what the tests use).
# Idempotent: a second run installs nothing. Run as root.
set -eu
registry="$(dirname "$0")/src/LabTasks/build/VirtLab.Tools.props"
packages=$(sed -n 's/.*<VirtLabTool .*Package="\([^"]*\)".*/\1/p' "$registry" | sort -u)
[ -n "$packages" ] || { echo "VirtLab: no packages found in $registry" >&2; exit 1; }
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "VirtLab: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
