#!/bin/sh
# Installs every Debian package VirtLab drives (QEMU, the benchmarks, the guest's userland and the
# network tools). Idempotent: a second run installs nothing. Run as root.
set -eu
packages="qemu-system-x86 qemu-utils sysbench iperf iperf3 stress-ng dropbear-bin busybox-static
  openssh-client iproute2 kmod cpio procps psmisc tcpdump dpkg apt zstd xz-utils
  chromium"
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
