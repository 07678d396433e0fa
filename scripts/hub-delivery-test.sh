#!/usr/bin/env bash
# Event deliveries (the hub) against a rebinding DNS name and stalled receivers, on two production instances.
#
#   scripts/hub-delivery-test.sh
#
# Runs in a private network and mount namespace: the loopback interface also carries 11.0.0.1 and 11.0.0.2 (globally
# reachable addresses, so the portal accepts them, and nothing leaves the namespace), /etc/resolv.conf points at a DNS
# server of the test's own on 127.0.0.1:53, and the system CA bundle also trusts the test's CA. A throwaway PostgreSQL
# gets the sample plans, customers and usage and closes 2026-10; the test SMSC and mail relay (Tests/Interop) stand
# in for the operator's; two portal instances run in production mode on the one database.
# scripts/hub_delivery_check.py runs the DNS server and the HTTPS receivers, registers two logins through the API,
# subscribes them, runs `bill-run --period 2026-11` and checks:
#   A. hooks-rebind.test answers 11.0.0.1 for its first two A queries (subscription, delivery) and 127.0.0.1 after:
#      the event reaches 11.0.0.1 and the receiver on 127.0.0.1:443 accepts no connection at all;
#   B. ten subscriptions of one login go to a receiver that never answers, one of another login to a receiver that
#      answers at once: that one has its event within 8 s while the ten stall; no event reaches its callback twice
#      within 25 s (the two instances never send one at the same time), and the tries each receiver saw are the
#      `attempts` the API reports.
# Exit status 0 when every check passes.
#
# Environment:
#   SELFCARE_BIN=PATH     the selfcare executable to run (default: `swift build`, then the debug build)
#   KEEP_WORK=1           keep the temporary directory (logs, DNS queries, receiver logs) for a post-mortem
#
# Needs root (namespaces, addresses, bind mounts, port 53 and 443); packages are installed before entering the
# namespace, which has no way out.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
script_path="$repo_root/scripts/$(basename "${BASH_SOURCE[0]}")"
cd "$repo_root"
# shellcheck source=lib/test-support.sh
. scripts/lib/test-support.sh

if [ -z "${SELFCARE_HUB_TEST_NAMESPACE:-}" ]; then
    is_root || die "hub delivery test: needs root (network namespace, addresses on lo, bind mounts)"
    ensure_packages unshare:util-linux ip:iproute2 openssl:openssl curl:curl
    python3 -c "import requests" 2>/dev/null || pip install -q requests 2>/dev/null || pip install -q --break-system-packages requests
    python3 -c "import aiosmtpd" 2>/dev/null || pip install -q aiosmtpd 2>/dev/null || pip install -q --break-system-packages aiosmtpd
    find_pg_bin >/dev/null || install_packages postgresql
    # Built (if need be) out here: inside, nothing can be fetched.
    SELFCARE_BIN="$(selfcare_binary)"
    # The namespaces it leaves: inside, the script checks that it is in others.
    SELFCARE_HUB_TEST_OUTSIDE="$(readlink /proc/self/ns/net) $(readlink /proc/self/ns/mnt)"
    export SELFCARE_BIN SELFCARE_HUB_TEST_OUTSIDE SELFCARE_HUB_TEST_NAMESPACE=1
    exec unshare --net --mount --propagation private -- bash "$script_path" "$@"
fi

# Only in a namespace of its own: the addresses and mounts below must never touch the machine's.
for ns in net mnt; do
    case " ${SELFCARE_HUB_TEST_OUTSIDE:-unknown} " in
        *" $(readlink "/proc/self/ns/$ns") "* | " unknown ") die "hub delivery test: not in a $ns namespace of its own" ;;
    esac
done

script_started=$(date +%s)
BIN="$(selfcare_binary)"

WORK="$(mktemp -d /tmp/selfcare-hub.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$WORK/pids" "$WORK/mail" "$WORK/pg" "$WORK/tls"
mounted=()

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid_file target
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
    for target in "${mounted[@]}"; do umount "$target" >/dev/null 2>&1 || true; done
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

bind_over() {
    local file="$1" target="$2"
    mount --bind "$file" "$target" || die "could not bind-mount $file over $target"
    mounted=("$target" "${mounted[@]}")
}

# --- the network: loopback with two public test addresses, our DNS server, our CA -----------------------------------

ip link set lo up
ip addr add 11.0.0.1/32 dev lo
ip addr add 11.0.0.2/32 dev lo

tls="$WORK/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=SelfCare hub test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1 || die "openssl could not make the test CA"
openssl req -newkey rsa:2048 -nodes -subj /CN=hooks-good.test -keyout "$tls/hooks.key" -out "$tls/hooks.csr" >/dev/null 2>&1 ||
    die "openssl could not make the receivers' key"
printf '%s\n' "subjectAltName=DNS:hooks-rebind.test,DNS:hooks-good.test,DNS:hooks-slow.test" \
    "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
    >"$tls/hooks.ext"
openssl x509 -req -in "$tls/hooks.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
    -extfile "$tls/hooks.ext" -out "$tls/hooks.crt" >/dev/null 2>&1 || die "openssl could not sign the receivers' certificate"
# The mail relay's own certificate, given to the portal as SMTP_CA_FILE (as in production with a private relay).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$tls/relay.key" -out "$tls/relay.crt" >/dev/null 2>&1 || die "openssl could not make the relay's certificate"

system_bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$system_bundle" ] || die "no system CA bundle at $system_bundle (ca-certificates)"
cat "$system_bundle" "$tls/ca.crt" >"$WORK/ca-bundle.crt"
bind_over "$WORK/ca-bundle.crt" "$system_bundle"
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n' >"$WORK/resolv.conf"
bind_over "$WORK/resolv.conf" /etc/resolv.conf
# Names are looked up in /etc/hosts, then DNS: no other source (systemd-resolved, mDNS) may answer for the test's names.
if [ -f /etc/nsswitch.conf ]; then
    sed 's/^hosts:.*/hosts: files dns/' /etc/nsswitch.conf >"$WORK/nsswitch.conf"
    bind_over "$WORK/nsswitch.conf" /etc/nsswitch.conf
fi
if grep -Eqi '(^|[[:space:]])hooks-(rebind|good|slow)\.test([[:space:]]|$)' /etc/hosts; then
    die "/etc/hosts names a test host (hooks-*.test); the test needs them answered by its DNS server"
fi

# --- database and data ---------------------------------------------------------------------------------------------

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
"$BIN" bill-run --period 2026-10 --database "$DB" >"$WORK/bill-run-2026-10.json"
log "data loaded: $(cat "$WORK/bill-run-2026-10.json")"

# --- peers: DNS and receivers, SMSC, mail relay ---------------------------------------------------------------------

start_peer hooks scripts/hub_delivery_check.py peers --dir "$WORK" --cert "$tls/hooks.crt" --key "$tls/hooks.key" >/dev/null
getent ahostsv4 hooks-good.test | grep -q '^11\.0\.0\.2 ' || die "the test's DNS server does not answer for hooks-good.test"
: >"$WORK/dns.jsonl"   # that look-up is the test's own, not the portal's
SMSC_PORT="$(start_peer smsc Tests/Interop/smsc.py --port 0 --log "$WORK/smsc.jsonl" --password secret)"
RELAY_PORT="$(start_peer relay Tests/Interop/smtp_relay.py --port 0 --maildir "$WORK/mail" \
    --tls-cert "$tls/relay.crt" --tls-key "$tls/relay.key" --require-starttls --auth selfcare:relay-secret)"

# --- two portal instances in production mode --------------------------------------------------------------------------

PORTS=("$(free_port)" "$(free_port)")
[ "${PORTS[0]}" != "${PORTS[1]}" ] || PORTS[1]="$(free_port)"
# No payment is made here, and the portal does not call the gateway before one is: an address that never resolves.
GATEWAY_SECRET_KEY="sk_live_$(openssl rand -hex 24)"
GATEWAY_WEBHOOK_SECRET="whsec_$(openssl rand -base64 32)"
export GATEWAY_SECRET_KEY GATEWAY_WEBHOOK_SECRET

start_instance() {
    local i="$1"
    SELFCARE_MODE=production \
    PUBLIC_URL=https://selfcare.example.mu \
    GATEWAY_URL=https://gateway.invalid \
    HUB_CALLBACK_PORTS=8443 \
    SMPP_HOST=127.0.0.1 SMPP_PORT="$SMSC_PORT" SMPP_SYSTEM_ID=r-selfcare SMPP_PASSWORD=secret \
    SMPP_SOURCE_ADDR=SelfCare SMPP_REFERENCE_TLV=0x1401 \
    SMTP_HOST=127.0.0.1 SMTP_PORT="$RELAY_PORT" SMTP_USERNAME=selfcare SMTP_PASSWORD=relay-secret \
    SMTP_FROM=selfcare@example.mu SMTP_CA_FILE="$tls/relay.crt" \
        "$BIN" serve --port "${PORTS[$((i - 1))]}" --database "$DB" >>"$WORK/instance-$i.log" 2>&1 &
    echo "$!" >"$WORK/pids/instance-$i.pid"
}

for i in 1 2; do start_instance "$i"; done
for i in 1 2; do
    wait_http "http://127.0.0.1:${PORTS[$((i - 1))]}/health" "instance $i" ||
        { tail -n 20 "$WORK/instance-$i.log" >&2; die "instance $i did not answer /health"; }
done
log "instances on ports ${PORTS[*]} (production); SMSC :$SMSC_PORT; relay :$RELAY_PORT; DNS 127.0.0.1:53;" \
    "receivers 11.0.0.1:443, 127.0.0.1:443, 11.0.0.2:443, 11.0.0.2:8443"

# --- the run and its checks ------------------------------------------------------------------------------------------

python3 - "$WORK" "$BIN" "$DB" "${PORTS[@]}" <<'EOF'
import csv, json, sys
work, binary, db, *ports = sys.argv[1:]
accounts = json.load(open(f"{work}/customers.json"))["accounts"]
rows = {r["client_ref"]: r for r in csv.DictReader(open("samples/customers.csv"))}
chosen = [a for a in accounts if rows[a["clientRef"]]["client_kind"] == "individual"][:2]
json.dump({
    "instances": [f"http://127.0.0.1:{p}" for p in ports],
    "smscLog": f"{work}/smsc.jsonl", "hooksLog": f"{work}/hooks.jsonl", "dnsLog": f"{work}/dns.jsonl",
    "users": [{"accountId": a["accountId"], "msisdn": a["msisdn"], "name": rows[a["clientRef"]]["client_name"],
               "email": f"{a['clientRef'].lower()}@example.mu"} for a in chosen],
    "stalledSubscriptions": 10, "period": "2026-11",
    "billRun": [binary, "bill-run", "--period", "2026-11", "--database", db],
    # A stalled try is given up after its 10 s deadline (the lane is free once the TLS connection is closed) and tried
    # again 30 s later: the second tries arrive some 45 s after the bill run; a few seconds more show any duplicate.
    "observeSeconds": 60, "afterRetrySeconds": 3,
}, open(f"{work}/run.json", "w"), indent=1)
EOF

rc=0
python3 -u scripts/hub_delivery_check.py run "$WORK/run.json" || rc=$?
if [ "$rc" -ne 0 ]; then
    for i in 1 2; do
        log "instance $i log (last lines)"
        tail -n 20 "$WORK/instance-$i.log" >&2 || true
    done
    log "DNS queries (last lines)"
    tail -n 20 "$WORK/dns.jsonl" >&2 || true
    log "receivers (last lines)"
    tail -n 30 "$WORK/hooks.jsonl" >&2 || true
    [ -s "$WORK/hooks.err" ] && { log "receivers' errors"; tail -n 20 "$WORK/hooks.err" >&2; }
fi
log "hub delivery test finished in $(( $(date +%s) - script_started )) s (exit $rc)"
exit "$rc"
