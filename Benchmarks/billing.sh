#!/usr/bin/env bash
# Billing benchmark (issue: import-usage and bill-run against the sqlite3 command line, in the same run).
# Generates RECORDS usage records for LINES lines, then measures:
#   import-usage   vs  sqlite3 ".import --csv" of the same file into a bare table
#   bill-run       vs  one SQL GROUP BY of the same records by sqlite3
# and the peak memory (max RSS) of import-usage and bill-run. Prints ratios; exits 0.
# Usage: Benchmarks/billing.sh [RECORDS] [LINES]   (defaults 1000000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-1000000}
LINES=${2:-10000}
WORK=$(mktemp -d /tmp/selfcare-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

echo "==> building release binary"
swift build -c release --product selfcare >/dev/null
BIN=$(swift build -c release --show-bin-path)/selfcare

echo "==> generating $RECORDS records for $LINES lines"
python3 Benchmarks/generate_usage.py "$WORK" "$RECORDS" "$LINES"
DB="sqlite://$WORK/bench.sqlite"
"$BIN" import-plans samples/plans.json --database "$DB" >/dev/null
"$BIN" import-customers "$WORK/customers.csv" --database "$DB" >/dev/null

seconds() { python3 -c "import time; print(time.monotonic())"; }
measure() { # label, command...: prints elapsed seconds and max RSS (KB) into globals
  local start end
  start=$(seconds)
  /usr/bin/time -f "%M" -o "$WORK/rss" "$@" >/dev/null
  end=$(seconds)
  ELAPSED=$(python3 -c "print(round($end - $start, 3))")
  RSS_MB=$(( $(cat "$WORK/rss") / 1024 ))
}

measure "$BIN" import-usage "$WORK/usage.csv" --database "$DB"
IMPORT_S=$ELAPSED; IMPORT_MB=$RSS_MB
measure sqlite3 "$WORK/ref.sqlite" -cmd ".mode csv" ".import $WORK/usage.csv usage"
REF_IMPORT_S=$ELAPSED

measure "$BIN" bill-run --period 2026-10 --database "$DB"
BILL_S=$ELAPSED; BILL_MB=$RSS_MB
measure sqlite3 "$WORK/ref.sqlite" "SELECT msisdn, usage_type, COUNT(*), SUM(CAST(duration_s AS INTEGER)), SUM(CAST(volume_bytes AS INTEGER)) FROM usage GROUP BY msisdn, usage_type"
REF_GROUP_S=$ELAPSED

python3 - "$RECORDS" "$LINES" "$IMPORT_S" "$REF_IMPORT_S" "$BILL_S" "$REF_GROUP_S" "$IMPORT_MB" "$BILL_MB" <<'PY'
import sys
records, lines, imp, ref_imp, bill, ref_group, imp_mb, bill_mb = sys.argv[1:]
imp, ref_imp, bill, ref_group = map(float, (imp, ref_imp, bill, ref_group))
print(f"records {records}, lines {lines}")
print(f"import-usage      {imp:8.2f} s   sqlite3 .import  {ref_imp:8.2f} s   ratio {imp/ref_imp:5.2f}x (target <= 4)   peak {imp_mb} MB (target < 300)")
print(f"bill-run          {bill:8.2f} s   sqlite3 GROUP BY {ref_group:8.2f} s   ratio {bill/ref_group:5.2f}x (target <= 3)   peak {bill_mb} MB (target < 300)")
PY
