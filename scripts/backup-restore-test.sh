#!/usr/bin/env bash
# Backup and restore as docs/BACKUPS.md describes them, end to end.
#
#   scripts/backup-restore-test.sh
#
# PostgreSQL: on a throwaway server, loads the sample plans, customers and usage and closes 2026-10 with the CLI,
# starts the portal, registers a login for an Account ID and one for a Client ID and pays part of a bill through the
# sandbox gateway (scripts/backup_restore_http.py), then takes `pg_dump -Fc` of the live database, restores it with
# `pg_restore` into a fresh database, starts the portal on the restored copy with the same keys and checks over HTTP
# that both logins still log in with their passwords and see the same bills, bill lines, CSV documents, group bills
# and payment, byte for byte; row counts of the main tables are compared too. Then the portal is started on the
# restored copy in production mode with another SELFCARE_CLIENT_ID_KEY and must refuse to start, naming the key: the
# key is part of the backup.
# SQLite: the same data in a SQLite file, copied with `sqlite3 .backup`; the finance export of the copy must equal
# the original's.
#
# The portal runs in development mode on loopback (codes at /dev/messages, the sandbox gateway beside it), with the
# keys set explicitly as production would have them.
#
# Environment: SELFCARE_BIN=PATH, the selfcare executable (default: `swift build`, then the debug build).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=lib/test-support.sh
. scripts/lib/test-support.sh

script_started=$(date +%s)
ensure_packages openssl:openssl curl:curl sqlite3:sqlite3
python3 -c "import requests" 2>/dev/null || pip install -q requests 2>/dev/null || pip install -q --break-system-packages requests
BIN="$(selfcare_binary)"
case "$BIN" in /*) ;; *) BIN="$repo_root/$BIN" ;; esac

WORK="$(mktemp -d /tmp/selfcare-backup.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$WORK/pg" "$WORK/run-before" "$WORK/run-after" "$WORK/run-wrong-key"
PORTAL_PID=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$PORTAL_PID" ]; then
        kill "$PORTAL_PID" >/dev/null 2>&1 || true
        wait "$PORTAL_PID" 2>/dev/null || true
    fi
    pg_stop
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_start "$WORK/pg"
PG_BASE="postgres://selfcare@127.0.0.1:$PG_PORT"
log "PostgreSQL on 127.0.0.1:$PG_PORT"
psql_at "$PG_BASE/postgres" "CREATE DATABASE selfcare" >/dev/null
DB="$PG_BASE/selfcare"

SELFCARE_CODE_KEY="$(openssl rand -base64 48)"
SELFCARE_CLIENT_ID_KEY="$(openssl rand -base64 48)"
export SELFCARE_CODE_KEY SELFCARE_CLIENT_ID_KEY

load_samples() {
    "$BIN" import-plans samples/plans.json --database "$1" >/dev/null
    "$BIN" import-customers samples/customers.csv --database "$1" >"$2"
    "$BIN" import-usage samples/usage-2026-10.csv --database "$1" >/dev/null
    "$BIN" bill-run --period 2026-10 --database "$1"
}
log "loading the samples and closing 2026-10: $(load_samples "$DB" "$WORK/customers.json")"
CLIENT_ID="$("$BIN" issue-client-id --client B001 --database "$DB" 2>/dev/null | tail -n 1)"
read -r ACCOUNT_ID MSISDN CLIENT_MSISDN < <(python3 - "$WORK/customers.json" <<'EOF'
import csv, json, sys
account = json.load(open(sys.argv[1]))["accounts"][0]
b001 = next(r for r in csv.DictReader(open("samples/customers.csv")) if r["client_ref"] == "B001")
print(account["accountId"], account["msisdn"], b001["contact_msisdn"])
EOF
)

# start_portal DIR DATABASE: the portal in development mode, working directory DIR (its sandbox gateway keeps its
# store there), on a free port; sets PORT and PORTAL_PID.
start_portal() {
    PORT="$(free_port)"
    (cd "$1" && SELFCARE_MODE=development exec "$BIN" serve --port "$PORT" --database "$2") >"$1/portal.log" 2>&1 &
    PORTAL_PID=$!
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && return 0
        kill -0 "$PORTAL_PID" 2>/dev/null || break
        sleep 0.2
    done
    tail -n 20 "$1/portal.log" >&2
    die "the portal did not start on $2"
}

stop_portal() {
    kill "$PORTAL_PID" 2>/dev/null || true
    wait "$PORTAL_PID" 2>/dev/null || true
    PORTAL_PID=""
}

counts() {
    psql_at "$1" "SELECT 'portal_users', count(*) FROM portal_users UNION ALL SELECT 'bills', count(*) FROM bills
        UNION ALL SELECT 'bill_lines', count(*) FROM bill_lines UNION ALL SELECT 'group_bills', count(*) FROM group_bills
        UNION ALL SELECT 'usage_records', count(*) FROM usage_records UNION ALL SELECT 'payments', count(*) FROM payments
        UNION ALL SELECT 'receipts', count(*) FROM receipts UNION ALL SELECT 'outbox_messages', count(*) FROM outbox_messages
        UNION ALL SELECT 'paid_cents', sum(paid_cents) FROM bills UNION ALL SELECT 'schema_migrations', count(*) FROM schema_migrations"
}

# --- before: a portal with logins, a payment and a snapshot ---------------------------------------------------------

start_portal "$WORK/run-before" "$DB"
python3 scripts/backup_restore_http.py prepare "http://127.0.0.1:$PORT" "$WORK/state.json" \
    "$ACCOUNT_ID" "$MSISDN" "$CLIENT_ID" "$CLIENT_MSISDN"

# --- backup of the live database, restore into a fresh one ----------------------------------------------------------

started=$(date +%s.%N)
"$PG_BIN/pg_dump" --format=custom --file="$WORK/selfcare.dump" "$DB"
dump_seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$started" "$(date +%s.%N)")
"$PG_BIN/pg_restore" --list "$WORK/selfcare.dump" >"$WORK/dump.list"
log "pg_dump -Fc of the live database: $(stat -c %s "$WORK/selfcare.dump") bytes in $dump_seconds s," \
    "$(grep -c ' TABLE DATA ' "$WORK/dump.list") tables"
stop_portal
counts "$DB" >"$WORK/counts-before"

psql_at "$PG_BASE/postgres" "CREATE DATABASE selfcare_restored" >/dev/null
RESTORED="$PG_BASE/selfcare_restored"
"$PG_BIN/pg_restore" --no-owner --exit-on-error --single-transaction --dbname="$RESTORED" "$WORK/selfcare.dump"
counts "$RESTORED" >"$WORK/counts-after"
if ! diff -u "$WORK/counts-before" "$WORK/counts-after"; then
    die "row counts differ between the database and its restored copy"
fi
log "restored into selfcare_restored; row counts equal: $(tr '\t\n' '= ' <"$WORK/counts-after")"

# --- after: the same logins see the same things on the restored copy ------------------------------------------------

start_portal "$WORK/run-after" "$RESTORED"
python3 scripts/backup_restore_http.py compare "http://127.0.0.1:$PORT" "$WORK/state.json"
stop_portal

# --- the Client ID key is part of the backup ---------------------------------------------------------------------

# In production, as a restore would be run; the refusal comes before the SMSC, relay or gateway is used, so these
# are placeholders.
wrong_port="$(free_port)"
set +e
(cd "$WORK/run-wrong-key" && env SELFCARE_MODE=production PUBLIC_URL=https://selfcare.example.mu \
    SELFCARE_CLIENT_ID_KEY="$(openssl rand -base64 48)" \
    GATEWAY_URL=https://127.0.0.1:9 GATEWAY_SECRET_KEY="sk_live_$(openssl rand -hex 20)" GATEWAY_WEBHOOK_SECRET="$(openssl rand -hex 20)" \
    SMPP_HOST=127.0.0.1 SMPP_PORT=9 SMPP_SYSTEM_ID=selfcare SMPP_PASSWORD=x SMPP_SOURCE_ADDR=SelfCare \
    SMTP_HOST=127.0.0.1 SMTP_PORT=9 SMTP_FROM=selfcare@example.mu \
    timeout 60 "$BIN" serve --port "$wrong_port" --database "$RESTORED") >"$WORK/run-wrong-key/portal.log" 2>&1
wrong_rc=$?
set -e
refusal="$(grep -m 1 'SELFCARE_CLIENT_ID_KEY' "$WORK/run-wrong-key/portal.log" || true)"
if [ "$wrong_rc" -ne 1 ] || [ -z "$refusal" ]; then
    tail -n 20 "$WORK/run-wrong-key/portal.log" >&2
    die "on the restored copy with another SELFCARE_CLIENT_ID_KEY the portal should refuse to start (exit 1, naming the key), not exit $wrong_rc"
fi
log "with another SELFCARE_CLIENT_ID_KEY, production refuses the restored copy: $(printf '%s' "$refusal" | cut -c1-160)"

# --- SQLite: sqlite3 .backup ----------------------------------------------------------------------------------------

SQLITE="$WORK/selfcare.sqlite"
load_samples "sqlite://$SQLITE" "$WORK/customers-sqlite.json" >/dev/null
sqlite3 "$SQLITE" ".backup '$WORK/selfcare-copy.sqlite'"
[ "$(sqlite3 "$WORK/selfcare-copy.sqlite" 'PRAGMA integrity_check')" = "ok" ] || die "the SQLite copy fails its integrity check"
"$BIN" export-bills --period 2026-10 --database "sqlite://$SQLITE" >"$WORK/export-original.csv"
"$BIN" export-bills --period 2026-10 --database "sqlite://$WORK/selfcare-copy.sqlite" >"$WORK/export-copy.csv"
cmp -s "$WORK/export-original.csv" "$WORK/export-copy.csv" || die "the finance export of the SQLite copy differs from the original's"
log "SQLite: sqlite3 .backup copy passes integrity_check; export-bills of the copy equals the original's ($(($(wc -l <"$WORK/export-copy.csv") - 1)) bills)"

log "backup and restore test passed in $(( $(date +%s) - script_started )) s"
