#!/usr/bin/env bash
# The million-claim benchmark (issue 12, SPEC §10): each cost beside a baseline measured in
# the same run on the same data, printed as a ratio.
#
#   bash benches/scale.sh [N]          # default 1,000,000 claims; N=10000 is the CI smoke run
#   SCALE_DIR=/some/dir bash benches/scale.sh 100000   # keep the data and ledger there
#
# It generates a TSV of N claims over 1,000 sources and 2,000 parties (half with a status),
# builds a ledger through the bulk path (examples/scale.rs: one Tx::append per entry inside
# one write transaction), and measures, each with /usr/bin/time (wall seconds, peak RSS):
#   bulk append             vs  sqlite3 .import of the same TSV into a plain table
#   claimledger import csv  vs  the same sqlite3 .import (then its ledger must verify)
#   the floor: sqlite3 copying the rows import wrote, vs the same .import
#   verify --quick          vs  PRAGMA integrity_check on the same ledger
#   list --status S --json  vs  the same rows selected in the sqlite3 shell (-json)
#   export claimreview, annotations  vs  the rows behind them selected in one join (-json);
#   report --status S            whole process (peak memory: flat in the claims shown)
#   audit, checkpoint, proof     whole processes
#   claim add, one process  vs  one sqlite3 process inserting a row
#   ledger bytes per claim  vs  the plain table's
# Absolute times drift on a shared machine; read the ratios. Needs sqlite3
# (scripts/deps/sqlite3.sh installs it).
set -euo pipefail
n="${1:-1000000}"
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/deps/sqlite3.sh"
# SCALE_PROFILE=debug reuses the test build (the CI smoke run); timings then mean nothing.
profile="${SCALE_PROFILE:-release}"
if [ "$profile" = release ]; then
    cargo build --quiet --release --manifest-path "$here/Cargo.toml" --bin claimledger --example scale
else
    cargo build --quiet --manifest-path "$here/Cargo.toml" --bin claimledger --example scale
fi
target="${CARGO_TARGET_DIR:-$here/target}"
cl="$target/$profile/claimledger"
ex="$target/$profile/examples/scale"
if [ -n "${SCALE_DIR:-}" ]; then
    work="$SCALE_DIR"
    mkdir -p "$work"
    rm -rf "$work/src" "$work"/*.db "$work"/*.db-*
else
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
fi
db="$work/ledger.db"
plain="$work/plain.db"
export CLAIMLEDGER_USER=bench

# measure LABEL CMD...: runs CMD (stdout to $work/out), sets $secs, $kb and $cpu (user +
# system seconds: on a shared machine the CPU time drifts less than the wall time).
measure() {
    local label="$1"
    shift
    if ! /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" > "$work/out" 2> "$work/err"; then
        echo "error: $label failed:" >&2
        cat "$work/err" >&2
        exit 1
    fi
    local user sys
    read -r secs kb user sys < "$work/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}
# precise CMD...: like measure, but $secs to the microsecond (bash's clock around the
# process), for whole processes that take milliseconds.
precise() {
    local t0 t1
    t0=$EPOCHREALTIME
    measure "$@"
    t1=$EPOCHREALTIME
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.005; printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
rows=()
row() { rows+=("$(printf '| %s | %s | %s | %s | %s |' "$@")"); }

"$ex" gen "$n" "$work"
cat "$work/claims.tsv" "$work"/src/*.txt > /dev/null # warm the page cache alike

measure "bulk build" "$ex" build "$work" "$db"
build_s=$secs build_kb=$kb build_cpu=$cpu
bulk_s=$(awk '/^bulk:/ { print $(NF-1) }' "$work/out")
entries=$(awk '/^bulk:/ { print $2 }' "$work/out")
grep -A1 '^bulk:' "$work/out" | sed 's/^/  /' >&2
measure "sqlite3 .import" sqlite3 "$plain" -cmd ".mode tabs" ".import $work/claims.tsv claims"
import_s=$secs import_kb=$kb import_cpu=$cpu
row "bulk append of $n claims ($entries entries)" \
    "$bulk_s s ($(awk -v n="$n" -v s="$bulk_s" 'BEGIN { printf "%.0f", n / s }') claims/s)" \
    "sqlite3 .import: $import_s s" "$(ratio "$import_s" "$bulk_s")× its speed" "$(mb "$build_kb") / $(mb "$import_kb")"

# The same TSV through `claimledger import csv` (issue 8): the file becomes a source, each
# row a claim whose appearance is its statement cell, each status a status event.
imported="$work/import.db"
"$cl" --db "$imported" -q init --origin bench.example/import 2> /dev/null
measure "import csv" "$cl" --db "$imported" -q import csv "$work/claims.tsv"
imp_s=$secs imp_kb=$kb imp_cpu=$cpu
row "\`import csv\` of the same $n-row TSV" \
    "$imp_s s ($(awk -v n="$n" -v s="$imp_s" 'BEGIN { printf "%.0f", n / s }') claims/s; CPU $imp_cpu s)" \
    "sqlite3 .import: $import_s s (CPU $import_cpu s)" \
    "$(ratio "$import_s" "$imp_s")× its speed (CPU time: $(ratio "$import_cpu" "$imp_cpu")×)" \
    "$(mb "$imp_kb") / $(mb "$import_kb")"
imported_claims=$(sqlite3 "$imported" "SELECT count(*) FROM claims")
if [ "$imported_claims" != "$n" ]; then
    echo "error: import csv recorded $imported_claims claims of $n" >&2
    exit 1
fi
# Its ledger verifies (skipped past 100,000 claims to keep the run short).
[ "$n" -gt 100000 ] || measure "verify of the import" "$cl" --db "$imported" verify --quick

# The floor of any import into this schema: SQLite itself copying the rows the import
# wrote (INSERT ... SELECT from the imported ledger into an empty schema, in one
# transaction, the secondary indexes built after the rows, as the bulk path does) — no
# parsing, no JSON, no hashing, no Merkle tree computed. An import cannot be faster than
# its own rows; where this ratio is under the goal, the goal needs a leaner schema.
floor="$work/floor.db"
rm -f "$floor" "$floor"-*
grep -v '^CREATE INDEX' "$here/schema.sql" > "$work/tables.sql"
grep '^CREATE INDEX' "$here/schema.sql" > "$work/indexes.sql"
sqlite3 "$floor" "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;" > /dev/null
sqlite3 "$floor" < "$work/tables.sql"
{
    echo "PRAGMA cache_size = -65536; ATTACH '$imported' AS src; BEGIN;"
    for t in blobs blob_chunks documents sources parties party_names journal merkle_nodes \
        claims claim_conduits appearances status_events claim_imports; do
        echo "INSERT INTO main.$t SELECT * FROM src.$t;"
    done
    echo "INSERT INTO main.claim_search (rowid, claim_id, statement, quotes)
        SELECT rowid, claim_id, statement, quotes FROM src.claim_search;"
    cat "$work/indexes.sql"
    echo "COMMIT;"
} > "$work/floor.sql"
measure "floor" sqlite3 "$floor" < "$work/floor.sql"
floor_s=$secs floor_kb=$kb floor_cpu=$cpu
row "floor: sqlite3 copying the rows that import wrote (INSERT … SELECT, indexes after)" \
    "$floor_s s (CPU $floor_cpu s)" "sqlite3 .import: $import_s s" \
    "$(ratio "$import_s" "$floor_s")× its speed: the most any import into this schema reaches" \
    "$(mb "$floor_kb") / $(mb "$import_kb")"
rm -f "$imported" "$imported"-* "$floor" "$floor"-*

measure "verify --quick" "$cl" --db "$db" verify --quick
verify_s=$secs verify_kb=$kb
measure "integrity_check" sqlite3 "$db" "PRAGMA integrity_check"
ic_s=$secs ic_kb=$kb
row "verify --quick" "$verify_s s" "integrity_check: $ic_s s" "$(ratio "$verify_s" "$ic_s")×" "$(mb "$verify_kb") / $(mb "$ic_kb")"

# The rows list shows, as the shell selects them.
select="SELECT c.id, c.statement, p.name AS claimant,
    (SELECT group_concat(vp.name, ';') FROM claim_conduits v JOIN parties vp ON vp.id = v.party_id
      WHERE v.claim_id = c.id) AS via, c.status, s.label, c.said,
    (SELECT count(*) FROM appearances a WHERE a.claim_id = c.id) AS appearances
  FROM claims c JOIN parties p ON p.id = c.claimant_id JOIN statuses s ON s.name = c.status
  WHERE c.status = 'confirmed' ORDER BY c.number"
measure "list" "$cl" --db "$db" list --status confirmed --json
list_s=$secs list_kb=$kb
listed=$(grep -c '"id"' "$work/out" || true)
measure "select" sqlite3 -json "$db" "$select"
sel_s=$secs sel_kb=$kb
selected=$(grep -c '"id"' "$work/out" || true)
if [ "$listed" != "$selected" ]; then
    echo "error: list printed $listed claims, the same SELECT $selected" >&2
    exit 1
fi
row "list --status confirmed --json ($listed rows; shell: $selected)" "$list_s s" "sqlite3 -json SELECT: $sel_s s" \
    "$(ratio "$list_s" "$sel_s")×" "$(mb "$list_kb") / $(mb "$sel_kb")"

# Exports and the report read a claim's whole record (its parties, appearances with their
# source versions and context, status history, journal entries) a claim at a time; the
# baseline is the shell selecting the rows behind those records in one join.
export_select="SELECT c.id, c.statement, p.name, p.kind, c.said, a.start, a.end, a.exact,
    s.sha256, s.url, s.title, s.media_type, e.status, e.note, e.time, j.hash
  FROM claims c JOIN parties p ON p.id = c.claimant_id JOIN appearances a ON a.claim_id = c.id
  JOIN sources s ON s.sha256 = a.source LEFT JOIN status_events e ON e.claim_id = c.id
  JOIN journal j ON j.seq = c.seq ORDER BY c.number"
measure "export claimreview" "$cl" --db "$db" export claimreview --publisher Bench --site https://bench.example
cr_s=$secs cr_kb=$kb
reviews=$(grep -c '"@type": "ClaimReview"' "$work/out" || true)
measure "export select" sqlite3 -json "$db" "$export_select"
xs_s=$secs xs_kb=$kb
row "export claimreview of all $n claims ($reviews reviews)" "$cr_s s" "sqlite3 -json of the joined rows: $xs_s s" \
    "$(ratio "$cr_s" "$xs_s")×" "$(mb "$cr_kb") / $(mb "$xs_kb")"
measure "export annotations" "$cl" --db "$db" export annotations
row "export annotations of all $n claims" "$secs s" "same sqlite3 -json: $xs_s s" \
    "$(ratio "$secs" "$xs_s")×" "$(mb "$kb") / $(mb "$xs_kb")"
measure "report" "$cl" --db "$db" report --status confirmed --out "$work/report.html"
row "report --status confirmed ($listed claims, $(mb $(($(stat -c %s "$work/report.html") / 1024))) page)" "$secs s" "—" "—" "$(mb "$kb")"
rm -f "$work/report.html"

mid=$((n / 2 > 0 ? n / 2 : 1))
precise "checkpoint" "$cl" --db "$db" checkpoint
row "checkpoint" "$(awk -v s="$secs" 'BEGIN { printf "%.1f ms", s * 1000 }')" "—" "—" "$(mb "$kb")"
precise "audit" "$cl" --db "$db" audit "C$mid"
row "audit C$mid" "$(awk -v s="$secs" 'BEGIN { printf "%.1f ms", s * 1000 }')" "—" "—" "$(mb "$kb")"
precise "proof" "$cl" --db "$db" proof "C$mid"
row "proof C$mid" "$(awk -v s="$secs" 'BEGIN { printf "%.1f ms", s * 1000 }')" "—" "—" "$(mb "$kb")"

# One process each, five times; the median. Quotes unique to one sentence of source 0000.
sha=$(sha256sum "$work/src/0000.txt" | cut -c1-12)
add_times=() ins_times=()
for i in 1 2 3 4 5; do
    c=$((1 + 1000 * (i - 1)))
    [ "$c" -le "$n" ] || c=1
    precise "claim add" "$cl" --db "$db" -q claim add --source "$sha" \
        --quote "event $c took place" --claimant "Party 0001" --statement "again $i"
    add_times+=("$secs")
    precise "sqlite3 insert" sqlite3 "$plain" \
        "INSERT INTO claims VALUES ('$((n + i))', '0', '0', '10', '1', '', 'again $i', '')"
    ins_times+=("$secs")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
add_s=$(median "${add_times[@]}") ins_s=$(median "${ins_times[@]}")
row "claim add, one process (median of 5)" "$(awk -v s="$add_s" 'BEGIN { printf "%.1f ms", s * 1000 }')" \
    "sqlite3 INSERT process: $(awk -v s="$ins_s" 'BEGIN { printf "%.1f ms", s * 1000 }')" "$(ratio "$add_s" "$ins_s")×" "$(mb "$kb")"

sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
db_bytes=$(stat -c %s "$db")
plain_bytes=$(stat -c %s "$plain")
row "ledger bytes per claim" "$((db_bytes / n)) B ($(mb $((db_bytes / 1024))))" \
    "plain table: $((plain_bytes / n)) B" "$(ratio "$db_bytes" "$plain_bytes")×" "—"

printf '\nN = %s claims, %s\n\n' "$n" "$(nproc) cores, $(date -u +%Y-%m-%d)"
printf '| work | claimledger | baseline | ratio | peak memory (ours / baseline) |\n|---|---|---|---|---|\n'
printf '%s\n' "${rows[@]}"
printf '\nverify --quick by stage (in-process):\n'
"$ex" stages "$db"
if [ -n "${SCALE_STATS:-}" ]; then
    printf '\nspace by table and index (dbstat):\n'
    sqlite3 -header -column "$db" "SELECT name, round(sum(pgsize) / 1048576.0, 1) AS MiB,
        round(sum(pgsize) * 1.0 / $n, 1) AS bytes_per_claim FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 25"
fi
