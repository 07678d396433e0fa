#!/usr/bin/env bash
# Several portal instances on one PostgreSQL behind nginx, under load, while one instance is killed and restarted.
#
#   scripts/multi-instance-test.sh
#
# Starts a throwaway PostgreSQL, loads the sample plans, customers and usage and closes 2026-10 with the CLI, then
# starts the test SMSC and mail relay (Tests/Interop), the sandbox card gateway, three portal instances in production
# mode and nginx with deploy/nginx/selfcare.conf (only its ports and paths replaced) in front of them, with TLS on a
# self-signed certificate. scripts/multi_instance_load.py then registers logins, logs in, reads dashboards, bills and
# documents and pays through the gateway, all through nginx; halfway instance 2 is killed with SIGKILL and started
# again a few seconds later. The checks are listed in multi_instance_load.py. Exit status 0 when all pass.
#
# Environment:
#   SELFCARE_BIN=PATH     the selfcare executable to run (default: `swift build`, then the debug build)
#   LOAD_USERS=N          logins by Account ID (default 6, at most 18; one Client ID login is added)
#   LOAD_SECONDS=N        length of the load (default 36; the kill comes at half time)
#   KEEP_WORK=1           keep the temporary directory (logs, nginx configuration) for a post-mortem
#
# Needs root: the portal and the gateway call each other over HTTPS through nginx, and on Linux Foundation's
# URLSession (libcurl) trusts only the system's CA bundle, so the script runs in a private mount namespace where that
# bundle is replaced by one that also holds the test certificate; nothing outside the namespace sees it.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
script_path="$repo_root/scripts/$(basename "${BASH_SOURCE[0]}")"
cd "$repo_root"
# shellcheck source=lib/test-support.sh
. scripts/lib/test-support.sh

if [ -z "${SELFCARE_TEST_NAMESPACE:-}" ]; then
    is_root || die "multi-instance test: needs root (it trusts its test certificate in a private mount namespace)"
    command -v unshare >/dev/null || die "multi-instance test: unshare (util-linux) is missing"
    export SELFCARE_TEST_NAMESPACE=1
    exec unshare --mount --propagation private -- bash "$script_path" "$@"
fi

LOAD_USERS="${LOAD_USERS:-6}"
LOAD_SECONDS="${LOAD_SECONDS:-36}"
INSTANCES=3
KILLED=2
script_started=$(date +%s)

ensure_packages nginx:nginx openssl:openssl curl:curl
python3 -c "import requests" 2>/dev/null || pip install -q requests 2>/dev/null || pip install -q --break-system-packages requests
python3 -c "import aiosmtpd" 2>/dev/null || pip install -q aiosmtpd 2>/dev/null || pip install -q --break-system-packages aiosmtpd
NGINX="$(command -v nginx)"

BIN="$(selfcare_binary)"

WORK="$(mktemp -d /tmp/selfcare-multi.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$WORK/pids" "$WORK/control" "$WORK/nginx" "$WORK/mail" "$WORK/pg"
ca_mounted=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid_file
    for pid_file in "$WORK"/pids/*.pid; do
        [ -f "$pid_file" ] || continue
        kill "$(cat "$pid_file")" >/dev/null 2>&1 || true
    done
    sleep 0.5
    for pid_file in "$WORK"/pids/*.pid; do
        [ -f "$pid_file" ] || continue
        kill -9 "$(cat "$pid_file")" >/dev/null 2>&1 || true
    done
    pg_stop
    [ -n "$ca_mounted" ] && umount "$ca_mounted" >/dev/null 2>&1 || true
    if [ "${KEEP_WORK:-0}" = "1" ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- certificate, trusted in this namespace only ---------------------------------------------------------------

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$WORK/tls.key" -out "$WORK/tls.crt" >/dev/null 2>&1 || die "openssl could not make the certificate"
system_bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$system_bundle" ] || die "no system CA bundle at $system_bundle (ca-certificates)"
cat "$system_bundle" "$WORK/tls.crt" >"$WORK/ca-bundle.crt"
mount --bind "$WORK/ca-bundle.crt" "$system_bundle" || die "could not bind-mount the CA bundle"
ca_mounted="$system_bundle"

# --- database and data -----------------------------------------------------------------------------------------

pg_start "$WORK/pg"
psql_at "$PG_ADMIN_URL" "CREATE DATABASE selfcare" >/dev/null
DB="postgres://selfcare@127.0.0.1:$PG_PORT/selfcare"
log "PostgreSQL on 127.0.0.1:$PG_PORT ($("$PG_BIN/postgres" --version))"

SELFCARE_CODE_KEY="$(openssl rand -base64 48)"
SELFCARE_CLIENT_ID_KEY="$(openssl rand -base64 48)"
export SELFCARE_CODE_KEY SELFCARE_CLIENT_ID_KEY
"$BIN" import-plans samples/plans.json --database "$DB" >/dev/null
"$BIN" import-customers samples/customers.csv --database "$DB" >"$WORK/customers.json"
"$BIN" import-usage samples/usage-2026-10.csv --database "$DB" >"$WORK/usage.json"
"$BIN" bill-run --period 2026-10 --database "$DB" >"$WORK/bill-run.json"
CLIENT_ID="$("$BIN" issue-client-id --client B001 --database "$DB" 2>/dev/null | tail -n 1)"
log "data loaded: $(cat "$WORK/bill-run.json")"

# --- peers: SMSC, mail relay, card gateway -----------------------------------------------------------------------

SMSC_PORT="$(start_peer smsc Tests/Interop/smsc.py --port 0 --log "$WORK/smsc.jsonl" --password secret)"
RELAY_PORT="$(start_peer relay Tests/Interop/smtp_relay.py --port 0 --maildir "$WORK/mail" \
    --tls-cert "$WORK/tls.crt" --tls-key "$WORK/tls.key" --require-starttls --auth selfcare:relay-secret)"

NGINX_PORT="$(free_port)"
NGINX_HTTP_PORT="$(free_port)"
GATEWAY_PORT="$(free_port)"
GATEWAY_TLS_PORT="$(free_port)"
PORTS=()
for i in $(seq 1 "$INSTANCES"); do PORTS+=("$(free_port)"); done
PUBLIC_URL="https://127.0.0.1:$NGINX_PORT"

GATEWAY_SECRET_KEY="sk_live_$(openssl rand -hex 24)"
GATEWAY_WEBHOOK_SECRET="whsec_$(openssl rand -base64 32)"
export GATEWAY_SECRET_KEY GATEWAY_WEBHOOK_SECRET
"$BIN" gateway --port "$GATEWAY_PORT" --database "sqlite://$WORK/gateway.sqlite" \
    --webhook-url "$PUBLIC_URL/webhooks/gateway" --public-url "https://127.0.0.1:$GATEWAY_TLS_PORT" \
    >"$WORK/gateway.log" 2>&1 &
echo "$!" >"$WORK/pids/gateway.pid"

# --- nginx: deploy/nginx/selfcare.conf with the test's ports and paths -------------------------------------------

conf="$WORK/nginx/selfcare.conf"
sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$NGINX_PORT ssl http2;|" \
    -e "s|listen \[::\]:443 ssl http2;|listen [::1]:$NGINX_PORT ssl http2;|" \
    -e "s|listen 80;|listen 127.0.0.1:$NGINX_HTTP_PORT;|" \
    -e "s|listen \[::\]:80;|listen [::1]:$NGINX_HTTP_PORT;|" \
    -e "s|server 127.0.0.1:8081 |server 127.0.0.1:${PORTS[0]} |" \
    -e "s|server 127.0.0.1:8082 |server 127.0.0.1:${PORTS[1]} |" \
    -e "s|server 127.0.0.1:8083 |server 127.0.0.1:${PORTS[2]} |" \
    -e "s|/etc/ssl/selfcare/fullchain.pem|$WORK/tls.crt|" \
    -e "s|/etc/ssl/selfcare/privkey.pem|$WORK/tls.key|" \
    -e "s|/var/log/nginx/selfcare.access.log|$WORK/nginx/access.log|" \
    -e "s|/var/log/nginx/selfcare.error.log|$WORK/nginx/error.log|" \
    deploy/nginx/selfcare.conf >"$conf"
# The sample must still have what the substitutions expect, or this test would no longer run the sample.
for gone in ':443 ' ' 443 ' ':80;' ' 80;' ':8081 ' ':8082 ' ':8083 ' /etc/ssl/selfcare /var/log/nginx; do
    if grep -q -- "$gone" "$conf"; then die "deploy/nginx/selfcare.conf: '$gone' was not replaced; update the sed in scripts/multi-instance-test.sh"; fi
done
for port in "$NGINX_PORT" "$NGINX_HTTP_PORT" "${PORTS[@]}"; do
    grep -q ":$port[ ;]" "$conf" || die "deploy/nginx/selfcare.conf: port $port not substituted; update the sed in scripts/multi-instance-test.sh"
done

# The gateway is another company's HTTPS service in production; here nginx gives the sandbox one its TLS too.
cat >"$WORK/nginx/gateway.conf" <<EOF
server {
    listen 127.0.0.1:$GATEWAY_TLS_PORT ssl;
    ssl_certificate $WORK/tls.crt;
    ssl_certificate_key $WORK/tls.key;
    access_log $WORK/nginx/gateway-access.log;
    location / {
        proxy_pass http://127.0.0.1:$GATEWAY_PORT;
        proxy_set_header Host \$host;
    }
}
EOF
mkdir -p "$WORK/nginx/tmp"
chown nobody "$WORK/nginx/tmp" 2>/dev/null || true
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/main-error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $conf;
    include $WORK/nginx/gateway.conf;
}
EOF
"$NGINX" -t -q -c "$WORK/nginx/nginx.conf" || die "nginx -t refused the configuration"
"$NGINX" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/stdout.log" 2>&1 &
echo "$!" >"$WORK/pids/nginx.pid"

# --- the portal instances ------------------------------------------------------------------------------------------

# Each load user calls the API far more often than a person would: the per-login API budget is raised so that the
# load measures the instances, not the limit (APITokenTests test the limit).
start_instance() {
    local i="$1"
    SELFCARE_MODE=production \
    API_TOKEN_RATE_LIMIT=100000 \
    PUBLIC_URL="$PUBLIC_URL" \
    TRUSTED_PROXIES=127.0.0.1 \
    GATEWAY_URL="https://127.0.0.1:$GATEWAY_TLS_PORT" \
    SMPP_HOST=127.0.0.1 SMPP_PORT="$SMSC_PORT" SMPP_SYSTEM_ID=r-selfcare SMPP_PASSWORD=secret \
    SMPP_SOURCE_ADDR=SelfCare SMPP_REFERENCE_TLV=0x1401 \
    SMTP_HOST=127.0.0.1 SMTP_PORT="$RELAY_PORT" SMTP_USERNAME=selfcare SMTP_PASSWORD=relay-secret \
    SMTP_FROM=selfcare@example.mu SMTP_CA_FILE="$WORK/tls.crt" \
        "$BIN" serve --port "${PORTS[$((i - 1))]}" --database "$DB" >>"$WORK/instance-$i.log" 2>&1 &
    echo "$!" >"$WORK/pids/instance-$i.pid"
    # Not a job of this shell: its SIGKILL later is the test's doing, not something for bash to report.
    disown "$!"
}

for i in $(seq 1 "$INSTANCES"); do start_instance "$i"; done
wait_listening "$GATEWAY_PORT" "the sandbox gateway"
for i in $(seq 1 "$INSTANCES"); do
    wait_http "http://127.0.0.1:${PORTS[$((i - 1))]}/health" "instance $i" ||
        { tail -n 20 "$WORK/instance-$i.log" >&2; exit 1; }
done
wait_http "$PUBLIC_URL/health" "nginx"
log "nginx on $PUBLIC_URL (HTTP $(curl -sk --http2 -o /dev/null -w '%{http_version}' "$PUBLIC_URL/health")) in front of" \
    "instances on ports ${PORTS[*]}; gateway on https://127.0.0.1:$GATEWAY_TLS_PORT; SMSC :$SMSC_PORT; relay :$RELAY_PORT"
[ "$(curl -sk --http2 -o /dev/null -w '%{http_version}' "$PUBLIC_URL/health")" = "2" ] || die "nginx does not speak HTTP/2"
redirect="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$NGINX_HTTP_PORT/login")"
case "$redirect" in "301 https://127.0.0.1/login") ;; *) die "plain HTTP did not redirect to HTTPS: $redirect" ;; esac

# --- load ------------------------------------------------------------------------------------------------------------

python3 - "$WORK" "$LOAD_USERS" "$LOAD_SECONDS" "$CLIENT_ID" "$KILLED" "$PUBLIC_URL" "https://127.0.0.1:$GATEWAY_TLS_PORT" \
    "$PG_BIN/psql" "$DB" "${PORTS[@]}" <<'EOF'
import csv, json, sys
work, users, seconds, client_id, killed, base, gateway, psql, db, *ports = sys.argv[1:]
accounts = json.load(open(f"{work}/customers.json"))["accounts"]
rows = list(csv.DictReader(open("samples/customers.csv")))
individual = {r["client_ref"] for r in rows if r["client_kind"] == "individual"}
names = {r["client_ref"]: r["client_name"] for r in rows}
chosen = [a for a in accounts if a["clientRef"] in individual][: int(users)]
b001 = next(r for r in rows if r["client_ref"] == "B001")
config = {
    "baseUrl": base, "gatewayUrl": gateway, "controlDir": f"{work}/control", "loadSeconds": float(seconds),
    "killed": int(killed), "instances": [{"name": f"instance {i + 1}", "port": int(p)} for i, p in enumerate(ports)],
    "smscLog": f"{work}/smsc.jsonl", "maildir": f"{work}/mail", "accessLog": f"{work}/nginx/access.log",
    "psql": psql, "databaseUrl": db,
    "users": [{"identifier": a["accountId"], "accountId": a["accountId"], "msisdn": a["msisdn"], "name": names[a["clientRef"]],
               "email": f"{a['clientRef'].lower()}@example.mu", "source": f"127.0.1.{i + 1}"} for i, a in enumerate(chosen)]
             + [{"identifier": client_id, "msisdn": b001["contact_msisdn"], "name": b001["client_name"], "isClient": True,
                 "email": b001["contact_email"], "source": "127.0.2.1"}],
}
json.dump(config, open(f"{work}/load.json", "w"), indent=1)
EOF

python3 -u scripts/multi_instance_load.py "$WORK/load.json" > >(tee "$WORK/load.log") 2>&1 &
load_pid=$!
echo "$load_pid" >"$WORK/pids/load.pid"

# Halfway the load asks for the kill; the instance comes back a few seconds later.
while [ ! -f "$WORK/control/kill-now" ]; do
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -f "$WORK/control/kill-now" ]; then
    victim="$(cat "$WORK/pids/instance-$KILLED.pid")"
    date +%s.%N >"$WORK/control/killed"
    kill -9 "$victim"
    log "killed instance $KILLED (pid $victim) with SIGKILL"
    while kill -0 "$victim" 2>/dev/null; do sleep 0.05; done
    sleep 5
    echo "--- restarted ---" >>"$WORK/instance-$KILLED.log"
    start_instance "$KILLED"
    wait_http "http://127.0.0.1:${PORTS[$((KILLED - 1))]}/health" "instance $KILLED after its restart"
    date +%s.%N >"$WORK/control/restarted"
    log "instance $KILLED restarted (pid $(cat "$WORK/pids/instance-$KILLED.pid"))"
fi

rc=0
wait "$load_pid" || rc=$?
rm -f "$WORK/pids/load.pid"
if [ "$rc" -ne 0 ]; then
    for i in $(seq 1 "$INSTANCES"); do
        log "instance $i log (last lines)"
        tail -n 15 "$WORK/instance-$i.log" >&2 || true
    done
    log "nginx errors (last lines)"
    tail -n 15 "$WORK/nginx/error.log" >&2 || true
fi
log "multi-instance test finished in $(( $(date +%s) - script_started )) s (exit $rc)"
exit "$rc"
