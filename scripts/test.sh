#!/usr/bin/env bash
# The test command: installs what the tests need (each scripts/deps/*.sh checks first and
# installs only what is missing), then runs the whole suite. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
for dep in scripts/deps/*.sh; do
    [ -e "$dep" ] || continue
    bash "$dep"
done
exec cargo test --locked "$@"
