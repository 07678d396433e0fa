#!/usr/bin/env bash
# Browser journeys in headless Chromium (Debian's chromium + chromium-driver, selenium from PyPI) against a
# development portal started here on a throwaway SQLite database with the sample customers.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "==> installing chromium and chromium-driver"
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium chromium-driver >/dev/null
fi
python3 -c "import selenium, axe_selenium_python" 2>/dev/null || pip install -q selenium axe-selenium-python
swift build --product selfcare >/dev/null
BIN=$(swift build --show-bin-path)/selfcare
WORK=$(mktemp -d /tmp/selfcare-browser.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
DB="sqlite://$WORK/portal.sqlite"
"$BIN" import-plans samples/plans.json --database "$DB" >/dev/null
ACCOUNTS=$("$BIN" import-customers samples/customers.csv --database "$DB" | python3 -c "import json,sys; a=json.load(sys.stdin)['accounts']; print(a[0]['accountId'], a[1]['accountId'])")
"$BIN" import-usage samples/usage-2026-10.csv --database "$DB" >/dev/null
# A thousand more lines for the company, so its group bill is one of 1,006 member bills.
python3 -c "
print('client_ref,client_name,client_kind,contact_email,contact_msisdn,account_id,msisdn,plan_code,activated_on')
for n in range(1000): print(f'B001,Boulangerie du Port Ltée,company,compta@boulangerie.example.mu,+23057900000,,+2305910{n:04d},POST499,2024-06-01')
" > "$WORK/more-lines.csv"
"$BIN" import-customers "$WORK/more-lines.csv" --database "$DB" >/dev/null
"$BIN" bill-run --period 2026-10 --database "$DB" >/dev/null
# The company's Client ID, for the phone journeys of a login that sees every line.
CLIENT_ID=$("$BIN" issue-client-id --client B001 --database "$DB")
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
# The customers are already loaded, so the development start loads no demo data.
SELFCARE_MODE=development "$BIN" serve --port "$PORT" --database "$DB" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
echo "==> browser journeys"
python3 Tests/Browser/journeys.py "http://127.0.0.1:$PORT" $ACCOUNTS "$CLIENT_ID" || { tail -20 "$WORK/server.log"; exit 1; }
