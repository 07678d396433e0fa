#!/usr/bin/env bash
# Portal benchmark, every figure against a reference measured in the same run:
#   login throughput (POST /api/v1/sessions)   vs  the KDF's own hash rate (selfcare benchmark-kdf)
#   CSV of a 1,000-line group bill (1M records) vs  sqlite3 -csv / psql --csv of the same rows (+ server peak memory)
#   PDF of a 10,000-record bill                vs  fpdf2 writing the same table, same rows per page
#   authenticated bill-list page requests/s    vs  /health requests/s
# on SQLite, then on PostgreSQL (a throwaway server, as the other benchmarks start).
# Usage: Benchmarks/portal.sh [RECORDS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-1000000}
WORK=$(mktemp -d /tmp/selfcare-portal-bench.XXXXXX)
SERVER=""
source Benchmarks/postgres.sh
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; bench_pg_stop; rm -rf "$WORK"; }
trap cleanup EXIT
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk; need sqlite3 sqlite3; need curl curl
python3 -c "import fpdf" 2>/dev/null || pip install -q fpdf2

echo "==> building release binary"
swift build -c release --product selfcare >/dev/null 2>&1
BIN=$(swift build -c release --show-bin-path)/selfcare

echo "==> data: a 1,000-line client with $RECORDS records, and one line with 10,000 records"
mkdir -p "$WORK/group" "$WORK/solo"
python3 Benchmarks/generate_usage.py "$WORK/group" "$RECORDS" 1000 1000 R 1000000 MIN
python3 Benchmarks/generate_usage.py "$WORK/solo" 10000 1 1 S 9000000 SOLO
REF_QUERY="SELECT u.record_id, a.account_id, a.msisdn, u.started_at, u.usage_type, u.destination, u.roaming_country, u.duration_s, u.volume_bytes FROM usage_records u JOIN accounts a ON a.id = u.account_id JOIN clients c ON c.id = a.client_id WHERE c.client_ref = 'MIN00000' AND u.period = '2026-10' ORDER BY a.account_id, u.started_at, u.record_id"

USED_CODES=""
bench_engine() { # ENGINE DATABASE_URL: loads the data, serves it and prints every figure for that engine
ENGINE=$1; DB=$2
echo "==> $ENGINE"
"$BIN" import-plans samples/plans.json --database "$DB" >/dev/null
"$BIN" import-customers "$WORK/group/customers.csv" --database "$DB" >/dev/null
SOLO_ACCOUNT=$("$BIN" import-customers "$WORK/solo/customers.csv" --database "$DB" | python3 -c "import json,sys; print(json.load(sys.stdin)['accounts'][0]['accountId'])")
"$BIN" import-usage "$WORK/group/usage.csv" --database "$DB" >/dev/null
"$BIN" import-usage "$WORK/solo/usage.csv" --database "$DB" >/dev/null
"$BIN" bill-run --period 2026-10 --database "$DB" >/dev/null
CLIENT_ID=$("$BIN" issue-client-id --client MIN00000 --database "$DB")

PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
URL="http://127.0.0.1:$PORT"
GATEWAY_URL= SELFCARE_MODE=development "$BIN" serve --port "$PORT" --database "$DB" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "$URL/health" >/dev/null && break; sleep 0.2; done

register() { # identifier password → registers through the API, reading the code from /dev/messages
  local id code
  id=$(curl -sf -X POST "$URL/api/v1/registrations" -H 'Content-Type: application/json' \
    -d "{\"identifier\":\"$1\",\"fullName\":\"Bench\",\"email\":\"bench@example.mu\",\"acceptTerms\":true}" | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")
  for _ in $(seq 100); do
    # The newest activation code not used yet: an earlier registration's message may still be the newest one.
    code=$(curl -sf "$URL/dev/messages" | python3 -c "import json,sys,re; c=[re.search(r'\b(\d{6})\b', x['body']).group(1) for x in json.load(sys.stdin) if 'activation' in x['body']]; c=[x for x in c if x not in '$USED_CODES'.split()]; print(c[0] if c else '')")
    [ -n "$code" ] && break; sleep 0.2
  done
  USED_CODES="$USED_CODES $code"
  curl -sf -X POST "$URL/api/v1/registrations/$id/activation" -H 'Content-Type: application/json' -d "{\"code\":\"$code\"}" >/dev/null
  curl -sf -X POST "$URL/api/v1/registrations/$id/password" -H 'Content-Type: application/json' \
    -d "{\"password\":\"$2\",\"passwordConfirmation\":\"$2\"}" >/dev/null
}
token() { curl -sf -X POST "$URL/api/v1/sessions" -H 'Content-Type: application/json' -d "{\"identifier\":\"$1\",\"password\":\"$2\"}" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['token'])"; }
PASSWORD="benchmark passphrase 2026"
register "$CLIENT_ID" "$PASSWORD"
curl -sf "$URL/dev/messages?limit=1" >/dev/null
register "$SOLO_ACCOUNT" "$PASSWORD"
CLIENT_TOKEN=$(token "$CLIENT_ID" "$PASSWORD")
SOLO_TOKEN=$(token "$SOLO_ACCOUNT" "$PASSWORD")
GROUP=$(curl -sf "$URL/api/v1/groupBill" -H "Authorization: Bearer $CLIENT_TOKEN" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
SOLO_BILL=$(curl -sf "$URL/api/v1/customerBill" -H "Authorization: Bearer $SOLO_TOKEN" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
now() { python3 -c "import time; print(time.monotonic())"; }
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$SERVER/status"; }

echo "==> CSV of group bill $GROUP"
BASE_RSS=$(rss); rm -f "$WORK/peak"
( peak=0; while kill -0 "$SERVER" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$WORK/peak"; sleep 0.05; done ) &
SAMPLER=$!
T0=$(now); curl -sf "$URL/api/v1/groupBill/$GROUP/document?format=csv" -H "Authorization: Bearer $CLIENT_TOKEN" -o "$WORK/group.csv"; T1=$(now)
kill $SAMPLER 2>/dev/null || true
CSV_ROWS=$(grep -c '^usage,' "$WORK/group.csv")
R0=$(now)
if [ "$ENGINE" = SQLite ]; then sqlite3 -csv "${DB#sqlite://}" "$REF_QUERY" > "$WORK/ref.csv"; REF_TOOL="sqlite3 -csv"
else psql -X -q --csv -t "$DB" -c "$REF_QUERY" > "$WORK/ref.csv"; REF_TOOL="psql --csv"; fi
R1=$(now)
REF_ROWS=$(wc -l < "$WORK/ref.csv")

echo "==> PDF of bill $SOLO_BILL (10,000 records)"
P0=$(now); curl -sf "$URL/api/v1/customerBill/$SOLO_BILL/document?format=pdf" -H "Authorization: Bearer $SOLO_TOKEN" -o "$WORK/bill.pdf"; P1=$(now)
PAGES=$(python3 -c "import re; print(len(re.findall(rb'/Type /Page\b', open('$WORK/bill.pdf','rb').read())))")
F0=$(now); python3 Benchmarks/fpdf_reference.py "$WORK/solo/usage.csv" "$WORK/ref.pdf" 60; F1=$(now)

echo "==> requests per second: bill list vs /health"
curl -sf -c "$WORK/jar" "$URL/login" -o "$WORK/login.html"
CSRF=$(grep -o 'name="_csrf" value="[^"]*"' "$WORK/login.html" | head -1 | sed 's/.*value="//;s/"//')
curl -sf -c "$WORK/jar" -b "$WORK/jar" -o /dev/null -d "_csrf=$CSRF&identifier=$SOLO_ACCOUNT&password=benchmark+passphrase+2026" "$URL/login"
COOKIE=$(awk '$6 == "selfcare_session" {print $7}' "$WORK/jar")
HEALTH_RPS=$(wrk -t2 -c16 -d5s "$URL/health" | awk '/Requests\/sec/ {print $2}')
BILLS_RPS=$(wrk -t2 -c16 -d5s -H "Cookie: selfcare_session=$COOKIE" "$URL/accounts/$SOLO_ACCOUNT/bills" | awk '/Requests\/sec/ {print $2}')

echo "==> login throughput vs the KDF alone"
cat > "$WORK/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"identifier":"$SOLO_ACCOUNT","password":"$PASSWORD"}'
wrk.headers["Content-Type"] = "application/json"
LUA
LOGIN_RPS=$(wrk -t2 -c4 -d10s -s "$WORK/login.lua" "$URL/api/v1/sessions" | awk '/Requests\/sec/ {print $2}')
KDF_RATE=$("$BIN" benchmark-kdf --count 48 --concurrency 4)

kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=""
python3 - "$ENGINE" "$T0" "$T1" "$R0" "$R1" "$CSV_ROWS" "$REF_ROWS" "$(cat "$WORK/peak" 2>/dev/null || echo 0)" "$BASE_RSS" "$P0" "$P1" "$F0" "$F1" "$PAGES" \
  "$HEALTH_RPS" "$BILLS_RPS" "$LOGIN_RPS" "$KDF_RATE" "$REF_TOOL" <<'PY' | tee -a "$WORK/report"
import sys
engine,t0,t1,r0,r1,rows,ref_rows,peak,base,p0,p1,f0,f1,pages,health,bills,login,kdf,tool = sys.argv[1:]
ours, ref = float(t1)-float(t0), float(r1)-float(r0)
pdf, fpdf = float(p1)-float(p0), float(f1)-float(f0)
print(f"{engine:10} group-bill CSV   {int(rows):>8} rows  {ours:7.2f} s   {tool} {int(ref_rows):>8} rows {ref:7.2f} s   speed {ref/ours:5.2f}x of it (target >= 1)   server peak {peak} MB (baseline {base} MB; target < 100)")
print(f"{engine:10} bill PDF         10000 records, {pages} pages  {pdf:7.3f} s   fpdf2 {fpdf:7.3f} s   {fpdf/pdf:6.1f}x faster (target >= 20)")
print(f"{engine:10} bill list page   {float(bills):9.0f} req/s   /health {float(health):9.0f} req/s   ratio {float(bills)/float(health):5.2f} (target >= 0.5)")
print(f"{engine:10} login            {float(login):9.2f} req/s   KDF alone {float(kdf):7.2f} hashes/s   ratio {float(login)/float(kdf):5.2f} (target >= 0.9)")
PY
}

bench_engine SQLite "sqlite://$WORK/bench.sqlite"
bench_pg_start
if [ -n "$BENCH_PG_ADMIN" ]; then
  bench_engine PostgreSQL "$(bench_pg_database portal)"
fi
echo "==> summary (records $RECORDS)"
cat "$WORK/report"
