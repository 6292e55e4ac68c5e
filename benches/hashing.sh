#!/usr/bin/env bash
# Hashing sources (SPEC §10): `claimledger source add` on a generated file, beside
# `openssl speed sha256` (one core) and `sha256sum` on the same bytes, in the same run.
#
#   bash benches/hashing.sh [MEGABYTES]      # default 512
#
# Prints throughput, the ratio to openssl's, and peak memory (which should stay flat in
# the file's size: compare with a run at another size). Absolute figures drift on shared
# machines; the ratios are what to read. It also measures the floor any durable store has on
# this disk: `dd conv=fsync` writing the same bytes once and syncing them (a WAL-mode SQLite
# ledger writes them twice: into the WAL, then into the database at the checkpoint).
set -euo pipefail
mb="${1:-512}"
here="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --quiet --release --manifest-path "$here/Cargo.toml"
cl="$here/target/release/claimledger"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Generated data: pseudo-random bytes (not compressible, not cached by anything but the OS).
# (openssl is stopped by the closed pipe once head has enough: that is expected.)
set +o pipefail
openssl enc -aes-128-ctr -pass pass:claimledger -nosalt -pbkdf2 -in /dev/zero 2>/dev/null \
  | head -c "$((mb * 1024 * 1024))" > "$work/source.bin"
set -o pipefail
bytes=$(stat -c %s "$work/source.bin")
cat "$work/source.bin" > /dev/null   # warm the page cache for every contender alike

seconds() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }

# openssl speed: bytes per second for 16 KiB blocks on one core.
openssl_rate=$(openssl speed -seconds 3 -bytes 16384 sha256 2>/dev/null \
  | awk '/^sha256/ { v = $NF; sub(/k$/, "", v); printf "%.0f", v * 1000 / 1e6 }')

read -r sum_s sum_kb < <(seconds sha256sum "$work/source.bin")
read -r dd_s dd_kb < <(seconds dd if="$work/source.bin" of="$work/dd.out" bs=1M conv=fsync status=none)
rm -f "$work/dd.out"
"$cl" --db "$work/l.db" init -q
read -r add_s add_kb < <(seconds "$cl" --db "$work/l.db" source add "$work/source.bin")

printf "hashing %s MB of generated data\n" "$mb"
printf "%-42s %10s %12s %12s\n" "" "MB/s" "× openssl" "peak RSS"
printf "%-42s %10s %12s %12s\n" "openssl speed sha256 (16 KiB blocks)" "$openssl_rate" "1.00" "—"
printf "%-42s %10s %12s %10s MB\n" "sha256sum" "$(rate "$sum_s")" \
  "$(awk -v a="$(rate "$sum_s")" -v o="$openssl_rate" 'BEGIN { printf "%.2f", a / o }')" "$((sum_kb / 1024))"
printf "%-42s %10s %12s %10s MB\n" "dd conv=fsync (write once + fsync: floor)" "$(rate "$dd_s")" \
  "$(awk -v a="$(rate "$dd_s")" -v o="$openssl_rate" 'BEGIN { printf "%.2f", a / o }')" "$((dd_kb / 1024))"
printf "%-42s %10s %12s %10s MB\n" "claimledger source add (hash + store)" "$(rate "$add_s")" \
  "$(awk -v a="$(rate "$add_s")" -v o="$openssl_rate" 'BEGIN { printf "%.2f", a / o }')" "$((add_kb / 1024))"
if "$cl" --db "$work/l.db" verify --help >/dev/null 2>&1; then
  read -r ver_s ver_kb < <(seconds "$cl" --db "$work/l.db" verify)
  printf "%-42s %10s %12s %10s MB\n" "claimledger verify (re-hash every source)" "$(rate "$ver_s")" \
    "$(awk -v a="$(rate "$ver_s")" -v o="$openssl_rate" 'BEGIN { printf "%.2f", a / o }')" "$((ver_kb / 1024))"
fi
