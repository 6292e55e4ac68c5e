#!/usr/bin/env bash
# strace: the fault tests (tests/faults.rs, tests/fault_campaign.rs) use it to kill a
# command or make a system call fail (EIO, ENOSPC) at an exact moment.
set -euo pipefail
if command -v strace >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq strace
