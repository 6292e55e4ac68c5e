#!/usr/bin/env bash
# The sqlite3 shell: the baselines of benches/scale.sh (and its CI smoke run).
set -euo pipefail
command -v sqlite3 > /dev/null && exit 0
apt-get update -qq && apt-get install -y -qq sqlite3
