#!/bin/sh
# Every scenario of experiments/two-hosts.proj (default profile: auto-converge, the post-copy LAN
# cut, a killed destination, besides the quick ones) on the test suite's rig — hosts A, B and C as
# network namespaces with their own sshd — without two real machines. About ten minutes here; the
# results folder (summary.md, records, raw/) is kept in /tmp/two-hosts-default-results. Run as root
# from the repository.
set -eu
cd "$(dirname "$0")/.."
VIRTLAB_TWO_HOSTS_PROFILE=default exec dotnet test tests/LabTasks.Tests --filter "FullyQualifiedName~TwoHostsMigrationTests" --logger "console;verbosity=detailed"
