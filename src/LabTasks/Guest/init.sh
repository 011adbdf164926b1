#!/bin/sh
# VirtLab guest init: PID 1 of the initramfs, run by busybox sh (POSIX sh only, no bashisms).
# Kernel command line: virtlab.ip=ADDR/PREFIX (required for SSH), virtlab.gw=ADDR, virtlab.hostname=NAME.
# Console protocol (one line each, on /dev/console):
#   VIRTLAB-NIC <ifname> <driver>   for every network interface backed by a device
#   VIRTLAB-READY <ip>              once dropbear listens on port 22 and can answer (RNG seeded)
#   VIRTLAB-ERROR <reason>          when the guest cannot become ready; it keeps running
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
exec </dev/console >/dev/console 2>&1

log() {
    read -r up _ </proc/uptime
    echo "virtlab: [$up] $*"
}

stay_alive() {
    # PID 1 must never exit (the kernel would panic); ash also reaps orphans while it waits.
    while :; do sleep 3600; done
}

fail() {
    echo "VIRTLAB-ERROR $*"
    stay_alive
}

# Modules, in dependency order, one absolute path a line.
if [ -f /etc/virtlab/modules ]; then
    while read -r module; do
        [ -n "$module" ] || continue
        if out=$(insmod "$module" 2>&1); then
            log "insmod ${module##*/} ok"
        else
            log "insmod ${module##*/} failed: $out"
        fi
    done </etc/virtlab/modules
fi

ip_cidr=
gateway=
name=virtlab
set -f
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        virtlab.ip=*) ip_cidr=${arg#virtlab.ip=} ;;
        virtlab.gw=*) gateway=${arg#virtlab.gw=} ;;
        virtlab.hostname=*) name=${arg#virtlab.hostname=} ;;
    esac
done
set +f
hostname "$name" || log "cannot set hostname '$name'"

ip link set lo up

# Drivers probe during insmod, but give the kernel a moment to register the interfaces.
nic=
tries=0
while :; do
    for dev in /sys/class/net/*; do
        [ -e "$dev/device" ] || continue
        nic=${dev##*/}
        break
    done
    [ -n "$nic" ] && break
    tries=$((tries + 1))
    [ "$tries" -ge 20 ] && break
    sleep 0.1
done
for dev in /sys/class/net/*; do
    [ -e "$dev/device/driver" ] || continue
    driver=$(readlink "$dev/device/driver")
    echo "VIRTLAB-NIC ${dev##*/} ${driver##*/}"
done
[ -n "$nic" ] || fail "no NIC"
[ -n "$ip_cidr" ] || fail "no virtlab.ip on the kernel command line"

log "configuring $nic"
ip link set "$nic" up || fail "cannot bring up $nic"
ip addr add "$ip_cidr" dev "$nic" || fail "cannot assign $ip_cidr to $nic"
if [ -n "$gateway" ]; then
    ip route add default via "$gateway" || log "cannot add default route via $gateway"
fi

log "starting dropbear"
dropbear -F -E -s -p 22 -r /etc/dropbear/dropbear_ed25519_host_key -P /run/dropbear.pid 2>/tmp/dropbear.log &

# Ready means dropbear accepts connections: a LISTEN (0A) socket on port 22 (0016).
tries=0
until grep -q ':0016 [0-9A-F]*:[0-9A-F]* 0A ' /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -ge 300 ] && fail "dropbear is not listening: $(tail -n 3 /tmp/dropbear.log 2>/dev/null)"
    sleep 0.05
done
log "dropbear listening"
# dropbear answers nothing until the kernel RNG is seeded; under TCG without a virtio-rng device
# that takes seconds. Reading /dev/random blocks exactly until then, so READY means SSH answers.
head -c 1 /dev/random >/dev/null
log "kernel RNG ready"
echo "VIRTLAB-READY ${ip_cidr%/*}"
stay_alive
