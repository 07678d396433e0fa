#!/usr/bin/env bash
# Messaging benchmark, against a reference measured in the same run on the same test SMSC:
#   the portal's outbox delivering the bill-ready SMS of a bill run over SMPP (claim, submit with delivery
#   receipts, record hand-overs and receipts; the portal's own worker)
#     vs  a bare ESME submitting as many messages with receipts and answering them, no database
# Usage: Benchmarks/messaging.sh [LINES]   (default 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-5000}
WORK=$(mktemp -d /tmp/selfcare-messaging-bench.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }

echo "==> building release binary"
swift build -c release --product selfcare >/dev/null 2>&1
BIN=$(swift build -c release --show-bin-path)/selfcare
DBFILE="$WORK/bench.sqlite"; DB="sqlite://$DBFILE"

echo "==> data: $LINES lines, one bill each for 2026-10, so $LINES bill-ready SMS queued"
python3 Benchmarks/generate_usage.py "$WORK" "$LINES" "$LINES" 1 M 3000000 SMS >/dev/null
"$BIN" import-plans samples/plans.json --database "$DB" >/dev/null
"$BIN" import-customers "$WORK/customers.csv" --database "$DB" >/dev/null
"$BIN" import-usage "$WORK/usage.csv" --database "$DB" >/dev/null
"$BIN" bill-run --period 2026-10 --database "$DB" >/dev/null
QUEUED=$(sqlite3 "$DBFILE" "SELECT COUNT(*) FROM outbox_messages WHERE status = 'queued'")

python3 Tests/Interop/smsc.py --port 0 --log "$WORK/smsc.jsonl" >"$WORK/smsc.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do grep -q listening "$WORK/smsc.out" 2>/dev/null && break; sleep 0.1; done
SMSC_PORT=$(sed 's/listening //' "$WORK/smsc.out")

echo "==> reference: a bare ESME submitting $QUEUED messages with receipts (window 10)"
REFERENCE=$(python3 Benchmarks/sms_reference.py "$SMSC_PORT" "$QUEUED" 10)

echo "==> portal: the outbox worker delivering $QUEUED SMS with delivery receipts"
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
GATEWAY_URL= SELFCARE_MODE=development SMPP_HOST=127.0.0.1 SMPP_PORT="$SMSC_PORT" SMPP_SYSTEM_ID=r-bench SMPP_PASSWORD=secret \
    SMPP_SOURCE_ADDR=8900 "$BIN" serve --port "$PORT" --database "$DB" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
START=$(date +%s.%N)
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; do sleep 0.02; done
UP=$(date +%s.%N)
while [ "$(sqlite3 "$DBFILE" "SELECT COUNT(*) FROM outbox_messages WHERE status IN ('sent', 'delivered')" 2>/dev/null || echo 0)" -lt "$QUEUED" ]; do
    sleep 0.05
done
SENT=$(date +%s.%N)
while [ "$(sqlite3 "$DBFILE" "SELECT COUNT(*) FROM outbox_messages WHERE status = 'delivered'" 2>/dev/null || echo 0)" -lt "$QUEUED" ]; do
    sleep 0.05
done
DELIVERED=$(date +%s.%N)

python3 - "$QUEUED" "$REFERENCE" "$START" "$UP" "$SENT" "$DELIVERED" <<'PY'
import sys
count, reference, start, up, sent, delivered = int(sys.argv[1]), float(sys.argv[2]), *map(float, sys.argv[3:])
total = delivered - start
print(f"messages: {count}")
print(f"bare ESME, all accepted and receipts answered: {reference:.2f} s ({count / reference:.0f}/s)")
print(f"portal from launch (start-up to /health {up - start:.2f} s): all handed over {sent - start:.2f} s, "
      f"all receipts stored {total:.2f} s ({count / total:.0f}/s) -> {total / reference:.1f}x the reference time")
PY
