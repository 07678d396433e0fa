#!/usr/bin/env bash
# Runs the whole test suite: installs the system tools the tests need,
# starts a throwaway PostgreSQL server on a free loopback port, runs
# `swift test` against it and removes the server again.
#
# Usage:
#   scripts/test.sh [swift test arguments...]      e.g. scripts/test.sh --filter Store
#
# Environment:
#   SKIP_POSTGRES=1         do not start PostgreSQL (TEST_DATABASE_URL stays unset
#                           unless it is already set by the caller)
#   SKIP_BROWSER=1          skip the headless Chromium journeys (also skipped when arguments are given)
#   SKIP_PEERS=1            do not start the SMSC and mail relays the messaging interop tests talk to
#   SKIP_DEPLOY=1           skip the deployment tests: deploy files, backup and restore, several instances behind
#                           nginx, a bill run over several processes with workers killed, event deliveries against DNS
#                           rebinding and stalled receivers (also skipped when arguments are given)
#   SKIP_CONFORMANCE=1      skip the API conformance run: schemathesis against the OpenAPI document, logged in with
#                           an Account ID and with a Client ID (also skipped when arguments are given)
#   TEST_SCRIPT_DRY_RUN=1   instead of `swift test`, check the database with
#                           psql "$TEST_DATABASE_URL" -c 'select 1'
#
# Under CI (`CI` set, as `.ci/run` does) nothing may be left out: the SKIP_* settings and the dry run are refused,
# the browser journeys, the deployment tests and the API conformance run happen whatever the arguments, and a test
# that was skipped fails the run.
#
# Every process the run starts carries a mark in its environment; once the servers are stopped, any process still
# carrying it is named and killed, and under CI fails the run.
#
# Exit code: the exit code of `swift test` (or of the dry-run check).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=lib/test-support.sh
. scripts/lib/test-support.sh

strict=0
if [ -n "${CI:-}" ]; then
    strict=1
    for setting in SKIP_POSTGRES SKIP_BROWSER SKIP_PEERS SKIP_DEPLOY SKIP_CONFORMANCE TEST_SCRIPT_DRY_RUN; do
        [ "${!setting:-0}" = "1" ] && die "$setting=1 is refused under CI: every part of the suite runs there"
    done
fi


# --- system packages ---------------------------------------------------------

find_initdb() {
    local candidate dir
    if candidate="$(command -v initdb 2>/dev/null)" && "$candidate" --version >/dev/null 2>&1; then
        printf '%s\n' "$candidate"
        return 0
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && "$dir/initdb" --version >/dev/null 2>&1; then
            printf '%s\n' "$dir/initdb"
            return 0
        fi
    done
    return 1
}

missing_packages=()
if [ "${SKIP_POSTGRES:-0}" != "1" ] && ! find_initdb >/dev/null; then
    missing_packages+=(postgresql)
fi
command -v sqlite3 >/dev/null 2>&1 || missing_packages+=(sqlite3)
command -v openssl >/dev/null 2>&1 || missing_packages+=(openssl)
command -v qpdf >/dev/null 2>&1 || missing_packages+=(qpdf)
{ command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; } || missing_packages+=(poppler-utils)

if [ "${#missing_packages[@]}" -gt 0 ]; then
    log "installing missing packages: ${missing_packages[*]}"
    apt=(apt-get)
    if ! is_root; then
        command -v sudo >/dev/null 2>&1 || die "not root and no sudo: please install ${missing_packages[*]}"
        apt=(sudo apt-get)
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt_log="$(mktemp)"
    if ! { "${apt[@]}" update -qq &&
           "${apt[@]}" install -y -qq --no-install-recommends "${missing_packages[@]}"; } \
           </dev/null >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        rm -f "$apt_log"
        die "apt-get failed"
    fi
    rm -f "$apt_log"
fi

# --- throwaway PostgreSQL ----------------------------------------------------

pg_tmp=""
pg_bin=""
pg_user=""
peers_tmp=""

as_pg_user() {
    # Runs a command as the unprivileged database user, from a directory it can read.
    if [ -n "$pg_user" ]; then
        (cd "$pg_tmp" && runuser -u "$pg_user" -- "$@")
    else
        (cd "$pg_tmp" && "$@")
    fi
}

# Every process this run starts inherits this mark; none may outlive the run.
export SELFCARE_TEST_RUN="selfcare-test-$$-$RANDOM$RANDOM"

# Prints "pid command" for each process other than this script that carries the run's mark.
marked_processes() {
    env -u SELFCARE_TEST_RUN python3 - "$SELFCARE_TEST_RUN" <<'PY'
import os, sys
mark = ("SELFCARE_TEST_RUN=" + sys.argv[1]).encode()
# This check and the shells between it and the script are not leftovers.
ancestors, pid = set(), str(os.getpid())
while pid not in ("0", "1") and pid not in ancestors:
    ancestors.add(pid)
    with open(f"/proc/{pid}/stat") as f:
        pid = f.read().rsplit(")", 1)[1].split()[1]
for pid in filter(str.isdigit, os.listdir("/proc")):
    if pid in ancestors:
        continue
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            if mark not in f.read().split(b"\0"):
                continue
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            print(pid, f.read().replace(b"\0", b" ").decode(errors="replace")[:160])
    except OSError:
        pass
PY
}

# After the cleanup: waits a few seconds for what was stopped to exit, then names and kills what is left, which fails
# the run under CI.
check_no_process_left() {
    local left="" tries
    for tries in $(seq 1 50); do
        left="$(marked_processes)"
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    printf '==> error: processes started by the test run outlived it:\n%s\n' "$left" >&2
    printf '%s\n' "$left" | while read -r pid _; do kill -9 "$pid" >/dev/null 2>&1 || true; done
    return 1
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$peers_tmp" ]; then
        for pid_file in "$peers_tmp"/*.pid; do
            [ -f "$pid_file" ] && kill "$(cat "$pid_file")" >/dev/null 2>&1 || true
        done
        rm -rf "$peers_tmp"
    fi
    if [ -n "$pg_tmp" ] && [ -d "$pg_tmp" ]; then
        # Silent on purpose: swift test's summary should stay the last lines printed.
        if [ -f "$pg_tmp/data/postmaster.pid" ]; then
            as_pg_user "$pg_bin/pg_ctl" -D "$pg_tmp/data" -s stop -m immediate >/dev/null 2>&1 || true
        fi
        rm -rf "$pg_tmp"
    fi
    if ! check_no_process_left && [ "$strict" = "1" ]; then
        [ "$rc" -eq 0 ] && rc=1
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local port
    while :; do
        port=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return
        fi
    done
}

start_postgres() {
    local initdb_path port attempt
    initdb_path="$(find_initdb)" || die "initdb not found (is the postgresql package installed?)"
    pg_bin="$(dirname "$(readlink -f "$initdb_path")")"
    [ -x "$pg_bin/pg_ctl" ] || pg_bin="$(dirname "$initdb_path")"
    [ -x "$pg_bin/pg_ctl" ] || die "pg_ctl not found next to $initdb_path"

    # Under /tmp (not $TMPDIR): the server user must be able to reach it, and the
    # socket path must stay short.
    pg_tmp="$(mktemp -d /tmp/selfcare-pg.XXXXXX)"
    mkdir -p "$pg_tmp/sock"
    if is_root; then
        if getent passwd postgres >/dev/null; then
            pg_user=postgres
        else
            getent passwd selfcare-test >/dev/null ||
                useradd --system --no-create-home --shell /usr/sbin/nologin selfcare-test
            pg_user=selfcare-test
        fi
        chown -R "$pg_user" "$pg_tmp"
    fi

    log "initialising PostgreSQL ($("$pg_bin/initdb" --version)) in $pg_tmp as ${pg_user:-$(id -un)}"
    if ! as_pg_user "$pg_bin/initdb" -D "$pg_tmp/data" -A trust -U selfcare \
            --no-locale -E UTF8 --no-sync >"$pg_tmp/initdb.log" 2>&1; then
        cat "$pg_tmp/initdb.log" >&2
        die "initdb failed"
    fi

    for attempt in 1 2 3; do
        port="$(free_port)"
        log "starting PostgreSQL on 127.0.0.1:$port"
        if as_pg_user "$pg_bin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/postgres.log" -w -s -t 60 \
                -o "-k $pg_tmp/sock -p $port -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
                start >/dev/null; then
            break
        fi
        if [ "$attempt" -eq 3 ]; then
            tail -n 30 "$pg_tmp/postgres.log" >&2 || true
            die "PostgreSQL did not start"
        fi
        log "start failed, retrying with another port"
    done

    local psql="$pg_bin/psql"
    [ -x "$psql" ] || psql="psql"
    "$psql" -q -X -h 127.0.0.1 -p "$port" -U selfcare -d postgres \
        -c 'CREATE DATABASE selfcare_test' >/dev/null
    export TEST_DATABASE_URL="postgres://selfcare@127.0.0.1:$port/selfcare_test"
    log "TEST_DATABASE_URL=$TEST_DATABASE_URL"
}

if [ "${SKIP_POSTGRES:-0}" = "1" ]; then
    log "SKIP_POSTGRES=1: not starting PostgreSQL"
else
    start_postgres
fi

# --- SMSC and mail relays ----------------------------------------------------

start_peers() {
    python3 -c "import aiosmtpd" 2>/dev/null || pip install -q aiosmtpd 2>/dev/null ||
        pip install -q --break-system-packages aiosmtpd
    peers_tmp="$(mktemp -d /tmp/selfcare-peers.XXXXXX)"
    PEER_DIR="$peers_tmp"
    PEER_PIDS="$peers_tmp"
    mkdir -p "$peers_tmp/mail" "$peers_tmp/mail-tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$peers_tmp/relay.key" -out "$peers_tmp/relay.crt" >/dev/null 2>&1 || die "openssl could not make the relay's certificate"
    export TEST_SMSC_LOG="$peers_tmp/smsc.jsonl"
    TEST_SMSC_PORT="$(start_peer smsc Tests/Interop/smsc.py --port 0 --log "$TEST_SMSC_LOG" --password secret)"
    export TEST_SMSC_PORT
    export TEST_SMTP_MAILDIR="$peers_tmp/mail"
    TEST_SMTP_PORT="$(start_peer relay Tests/Interop/smtp_relay.py --port 0 --maildir "$TEST_SMTP_MAILDIR")"
    export TEST_SMTP_PORT
    export TEST_SMTP_TLS_MAILDIR="$peers_tmp/mail-tls" TEST_SMTP_TLS_CA="$peers_tmp/relay.crt"
    TEST_SMTP_TLS_PORT="$(start_peer relay-tls Tests/Interop/smtp_relay.py --port 0 --maildir "$TEST_SMTP_TLS_MAILDIR" \
        --tls-cert "$peers_tmp/relay.crt" --tls-key "$peers_tmp/relay.key" --require-starttls --auth selfcare:relay-secret)"
    export TEST_SMTP_TLS_PORT
    log "SMSC on 127.0.0.1:$TEST_SMSC_PORT, relays on 127.0.0.1:$TEST_SMTP_PORT and :$TEST_SMTP_TLS_PORT (STARTTLS + AUTH)"
    # The peers' own checks: a test that passes against a broken peer proves nothing.
    python3 Tests/Interop/test_smsc.py >"$peers_tmp/test_smsc.log" 2>&1 || { cat "$peers_tmp/test_smsc.log" >&2; die "the test SMSC fails its own checks"; }
    python3 Tests/Interop/test_smtp_relay.py >"$peers_tmp/test_relay.log" 2>&1 || { cat "$peers_tmp/test_relay.log" >&2; die "the test relay fails its own checks"; }
}

if [ "${SKIP_PEERS:-0}" = "1" ] || [ "${TEST_SCRIPT_DRY_RUN:-0}" = "1" ]; then
    log "not starting the SMSC and mail relays"
else
    start_peers
fi

# --- tests -------------------------------------------------------------------

rc=0
if [ "${TEST_SCRIPT_DRY_RUN:-0}" = "1" ]; then
    if [ -n "${TEST_DATABASE_URL:-}" ]; then
        log "dry run: psql \"\$TEST_DATABASE_URL\" -c 'select 1'"
        psql_cmd="psql"
        [ -n "$pg_bin" ] && [ -x "$pg_bin/psql" ] && psql_cmd="$pg_bin/psql"
        "$psql_cmd" -X "$TEST_DATABASE_URL" -c 'select 1' || rc=$?
        log "exit code $rc"
    else
        log "dry run: would run swift test $*"
    fi
else
    # One build for everything that follows; it may print no warning about the project's own code.
    build_log="$(mktemp /tmp/selfcare-build-log.XXXXXX)"
    log "swift build --build-tests"
    if ! swift build --build-tests >"$build_log" 2>&1; then
        cat "$build_log" >&2
        rm -f "$build_log"
        die "swift build failed"
    fi
    if grep -E "^$repo_root/(Sources|Tests)/[^:]+:[0-9]+:[0-9]+: warning:" "$build_log" >&2; then
        log "error: the build warns about the project's own code (above)"
        rc=1
    fi
    rm -f "$build_log"
    # Browser journeys first (they need only the executable), so swift test's summary stays the last lines.
    if [ "${SKIP_BROWSER:-0}" != "1" ] && { [ $# -eq 0 ] || [ "$strict" = "1" ]; }; then
        scripts/browser-tests.sh || rc=$?
    fi
    # Deployment: the files under deploy/ parse, a backup restores, several instances behind nginx survive a kill, a
    # bill run split over processes survives its workers being killed, and event deliveries neither follow a DNS name
    # rebound to loopback nor wait behind a stalled receiver.
    if [ "${SKIP_DEPLOY:-0}" != "1" ] && { [ $# -eq 0 ] || [ "$strict" = "1" ]; }; then
        scripts/deploy-files-test.sh || rc=$?
        scripts/backup-restore-test.sh || rc=$?
        scripts/multi-instance-test.sh || rc=$?
        scripts/bill-run-workers-test.sh || rc=$?
        scripts/hub-delivery-test.sh || rc=$?
    fi
    # API conformance: schemathesis, every check and phase, against the JSON API and its OpenAPI document.
    if [ "${SKIP_CONFORMANCE:-0}" != "1" ] && { [ $# -eq 0 ] || [ "$strict" = "1" ]; }; then
        scripts/api-conformance.sh || rc=$?
    fi
    log "swift test $*"
    test_log="$(mktemp /tmp/selfcare-test-log.XXXXXX)"
    set +e
    swift test "$@" 2>&1 | tee "$test_log"
    rc_test=${PIPESTATUS[0]}
    set -e
    if [ "$rc_test" -ne 0 ]; then rc=$rc_test; fi
    if [ "$strict" = "1" ] && grep -qE '(Test|Suite) .* skipped' "$test_log"; then
        grep -E '(Test|Suite) .* skipped' "$test_log" >&2
        log "error: tests were skipped; under CI every test runs"
        rc=1
    fi
    rm -f "$test_log"
fi
exit "$rc"
