#!/usr/bin/env bash
# The main job on a default ledger: log the example article's claims, print the status
# table for an editor, and audit one claim end to end.
#
#   bash examples/quickstart.sh            # ledger at ./claimledger.db (or $CLAIMLEDGER_DB)
#
# It builds claimledger if needed (showing cargo's progress; the binary goes where cargo
# puts it, $CARGO_TARGET_DIR if set). Run it again and it reuses the ledger: the source is
# not stored twice, and the claims are recorded only once.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if command -v claimledger >/dev/null 2>&1 && [ -z "${CLAIMLEDGER_BUILD:-}" ]; then
  cl() { claimledger "$@"; }
else
  echo "building claimledger (release; the first build takes a few minutes)..." >&2
  cargo build --release --manifest-path "$here/Cargo.toml"
  # Where cargo put it: $CARGO_TARGET_DIR (relative to here, where cargo ran), else ./target.
  target="${CARGO_TARGET_DIR:-$here/target}"
  case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
  bin="$target/release/claimledger"
  [ -x "$bin" ] || { echo "quickstart: no binary at $bin after cargo build" >&2; exit 1; }
  cl() { "$bin" "$@"; }
fi
db="${CLAIMLEDGER_DB:-claimledger.db}"
export CLAIMLEDGER_DB="$db"

[ -e "$db" ] || cl init
SRC=$(cl source add "$here/examples/articles/report-v1.txt" \
  --title "Drone strike tears gap in Corrin Bridge" --publisher "Northgate Wire" \
  --url "https://northgate.example/border/corrin-bridge" --published 2026-03-03)

if [ "$(cl list --json)" = "[]" ]; then
  cl party add "Ministry of Defence of Orvenia" --kind government \
    --alias "the MoD" --alias "Orvenian Defence Ministry" --alias "Lutrava"
  cl claim add --source "$SRC" --claimant "the MoD" \
    --quote "a precision strike on a staging point used by hostile armed formations" \
    --status denied --by "Valtrane"
  cl claim add --source "$SRC" --claimant "Haldmere district council" \
    --quote "Three civilians were killed and 11 were injured" --status unconfirmed
  cl claim add --source "$SRC" --claimant "a senior Orvenian official" \
    --via "The Meridian Courier" --quote "approved in Lutrava at the highest level"
  cl claim add --source "$SRC" --claimant "Lantern Maps" --via "Chirrup" \
    --quote "it had geolocated two clips of the strike to the eastern span of the bridge"
fi

cl list
cl audit C1
