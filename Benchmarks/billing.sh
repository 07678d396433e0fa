#!/usr/bin/env bash
# Billing benchmark, every figure against a reference measured in the same run, on SQLite and on PostgreSQL:
#   import-usage   vs  loading the same file into a bare table (sqlite3 ".import" / psql "\copy")
#   bill-run       vs  one SQL GROUP BY of the same records (sqlite3 / psql); on PostgreSQL also with 2 and 4 processes
# and the peak memory (max RSS) of import-usage and bill-run. Prints ratios; exits 0.
# Usage: Benchmarks/billing.sh [RECORDS] [LINES]   (defaults 1000000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-1000000}
LINES=${2:-10000}
WORK=$(mktemp -d /tmp/selfcare-bench.XXXXXX)
source Benchmarks/postgres.sh
trap 'bench_pg_stop; rm -rf "$WORK"' EXIT
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

echo "==> building release binary"
swift build -c release --product selfcare >/dev/null
BIN=$(swift build -c release --show-bin-path)/selfcare

echo "==> generating $RECORDS records for $LINES lines"
python3 Benchmarks/generate_usage.py "$WORK" "$RECORDS" "$LINES"

seconds() { python3 -c "import time; print(time.monotonic())"; }
measure() { # command...: sets ELAPSED (seconds) and RSS_MB (peak resident memory)
  local start end
  start=$(seconds)
  /usr/bin/time -f "%M" -o "$WORK/rss" "$@" >/dev/null
  end=$(seconds)
  ELAPSED=$(python3 -c "print(round($end - $start, 3))")
  RSS_MB=$(( $(cat "$WORK/rss") / 1024 ))
}
report() { # engine import ref_import bill ref_group import_mb bill_mb reference_names
  python3 - "$@" <<'PY'
import sys
engine, imp, ref_imp, bill, ref_group, imp_mb, bill_mb, load_ref, group_ref = sys.argv[1:]
imp, ref_imp, bill, ref_group = map(float, (imp, ref_imp, bill, ref_group))
print(f"{engine:10} import-usage {imp:8.2f} s   {load_ref:14} {ref_imp:8.2f} s   ratio {imp/ref_imp:5.2f}x (target <= 2)   peak {imp_mb} MB (target < 300)")
print(f"{engine:10} bill-run     {bill:8.2f} s   {group_ref:14} {ref_group:8.2f} s   ratio {bill/ref_group:5.2f}x (target <= 2)   peak {bill_mb} MB (target < 300)")
PY
}

echo "==> SQLite"
DB="sqlite://$WORK/bench.sqlite"
"$BIN" import-plans samples/plans.json --database "$DB" >/dev/null
"$BIN" import-customers "$WORK/customers.csv" --database "$DB" >/dev/null
measure "$BIN" import-usage "$WORK/usage.csv" --database "$DB"
IMPORT_S=$ELAPSED; IMPORT_MB=$RSS_MB
measure sqlite3 "$WORK/ref.sqlite" -cmd ".mode csv" ".import $WORK/usage.csv usage"
REF_IMPORT_S=$ELAPSED
measure "$BIN" bill-run --period 2026-10 --database "$DB"
BILL_S=$ELAPSED; BILL_MB=$RSS_MB
measure sqlite3 "$WORK/ref.sqlite" "SELECT msisdn, usage_type, COUNT(*), SUM(CAST(duration_s AS INTEGER)), SUM(CAST(volume_bytes AS INTEGER)) FROM usage GROUP BY msisdn, usage_type"
REF_GROUP_S=$ELAPSED
SQLITE_REPORT=$(report SQLite "$IMPORT_S" "$REF_IMPORT_S" "$BILL_S" "$REF_GROUP_S" "$IMPORT_MB" "$BILL_MB" "sqlite3 .import" "sqlite3 GROUP BY")
echo "$SQLITE_REPORT"

bench_pg_start
if [ -n "$BENCH_PG_ADMIN" ]; then
  echo "==> PostgreSQL"
  DB=$(bench_pg_database bench)
  REF=$(bench_pg_database reference)
  "$BIN" import-plans samples/plans.json --database "$DB" >/dev/null
  "$BIN" import-customers "$WORK/customers.csv" --database "$DB" >/dev/null
  measure "$BIN" import-usage "$WORK/usage.csv" --database "$DB"
  PG_IMPORT_S=$ELAPSED; PG_IMPORT_MB=$RSS_MB
  psql -q "$REF" -c "CREATE TABLE usage (record_id TEXT, msisdn TEXT, usage_type TEXT, started_at TEXT, duration_s TEXT, volume_bytes TEXT, destination TEXT, roaming_country TEXT)"
  measure psql -q "$REF" -c "\\copy usage FROM '$WORK/usage.csv' WITH (FORMAT csv, HEADER true)"
  PG_REF_IMPORT_S=$ELAPSED
  # Copies of the imported database, one per number of bill-run processes to measure.
  for n in 2 4; do psql -X -q "$BENCH_PG_ADMIN" -c "CREATE DATABASE bench_workers_$n TEMPLATE bench"; done
  measure "$BIN" bill-run --period 2026-10 --database "$DB"
  PG_BILL_S=$ELAPSED; PG_BILL_MB=$RSS_MB
  WORKER_FIGURES=""
  for n in 2 4; do
    measure "$BIN" bill-run --period 2026-10 --workers "$n" --database "${DB%/bench}/bench_workers_$n"
    WORKER_FIGURES="$WORKER_FIGURES   $n processes $ELAPSED s"
  done
  measure psql -q "$REF" -c "SELECT msisdn, usage_type, COUNT(*), SUM(NULLIF(duration_s, '')::bigint), SUM(NULLIF(volume_bytes, '')::bigint) FROM usage GROUP BY msisdn, usage_type"
  PG_REF_GROUP_S=$ELAPSED
  echo "records $RECORDS, lines $LINES"
  echo "$SQLITE_REPORT"
  report PostgreSQL "$PG_IMPORT_S" "$PG_REF_IMPORT_S" "$PG_BILL_S" "$PG_REF_GROUP_S" "$PG_IMPORT_MB" "$PG_BILL_MB" "psql \\copy" "psql GROUP BY"
  echo "PostgreSQL bill-run --workers: 1 process $PG_BILL_S s$WORKER_FIGURES"
fi
