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
  # openssh-server is there for the tests, whose rig starts its own sshd per namespace host. Its
  # package would also start (and at every boot run) the system's sshd on port 22. Debian's ssh
  # service does not start while /etc/ssh/sshd_not_to_be_run exists (README.Debian; the systemd
  # unit's ConditionPathExists and the init script both check it), so it is created when this
  # script is the one bringing openssh-server in; a machine that already had it is left as it was.
  # Delete the file to run the system's sshd.
  case " $missing " in
    *" openssh-server "*)
      mkdir -p /etc/ssh
      [ -e /etc/ssh/sshd_not_to_be_run ] || echo "Created by VirtLab's install-deps.sh: the tests run their own sshd; delete this file to run the system's." > /etc/ssh/sshd_not_to_be_run ;;
  esac
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
