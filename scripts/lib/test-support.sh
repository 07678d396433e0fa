# Shared by the test scripts (sourced, not run): logging, free ports, missing Debian packages, the selfcare
# executable, a throwaway PostgreSQL server, and the peers and servers a script starts and waits for.
# shellcheck shell=bash

log() { printf '==> %s\n' "$*"; }
die() { printf '==> error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ensure_packages COMMAND:PACKAGE ... installs each package whose command is missing.
ensure_packages() {
    local entry missing=()
    for entry in "$@"; do
        command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    install_packages "${missing[@]}"
}

install_packages() {
    local missing=("$@")
    log "installing missing packages: ${missing[*]}"
    local apt=(apt-get)
    if ! is_root; then
        command -v sudo >/dev/null 2>&1 || die "not root and no sudo: please install ${missing[*]}"
        apt=(sudo apt-get)
    fi
    local apt_log
    apt_log="$(mktemp)"
    if ! { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq &&
           DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"; } \
           </dev/null >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        rm -f "$apt_log"
        die "apt-get failed"
    fi
    rm -f "$apt_log"
}

# The portal's executable: $SELFCARE_BIN when set, else the debug build (built here if needed).
selfcare_binary() {
    if [ -n "${SELFCARE_BIN:-}" ]; then
        [ -x "$SELFCARE_BIN" ] || die "SELFCARE_BIN=$SELFCARE_BIN is not an executable"
        printf '%s\n' "$SELFCARE_BIN"
        return
    fi
    swift build --product selfcare >/dev/null || die "swift build failed"
    printf '%s/selfcare\n' "$(swift build --show-bin-path)"
}

# --- throwaway PostgreSQL ----------------------------------------------------
# pg_start DIR: initialises a cluster in DIR/data (DIR must exist and be empty of a cluster) and starts it on a free
# loopback port with trust authentication for the user `selfcare`. Sets PG_BIN, PG_PORT, PG_ADMIN_URL (the
# `postgres` database) and PG_DIR. pg_stop stops it (cleanup calls it; harmless when nothing runs).

PG_BIN=""
PG_PORT=""
PG_DIR=""
PG_USER=""

find_pg_bin() {
    local candidate dir
    if candidate="$(command -v initdb 2>/dev/null)" && "$candidate" --version >/dev/null 2>&1; then
        dirname "$(readlink -f "$candidate")"
        return 0
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

as_pg_user() {
    if [ -n "$PG_USER" ]; then
        (cd "$PG_DIR" && runuser -u "$PG_USER" -- "$@")
    else
        (cd "$PG_DIR" && "$@")
    fi
}

pg_start() {
    PG_DIR="$1"
    if ! PG_BIN="$(find_pg_bin)"; then
        install_packages postgresql
        PG_BIN="$(find_pg_bin)" || die "initdb not found after installing postgresql"
    fi
    mkdir -p "$PG_DIR/sock"
    if is_root; then
        if getent passwd postgres >/dev/null; then
            PG_USER=postgres
        else
            getent passwd selfcare-test >/dev/null ||
                useradd --system --no-create-home --shell /usr/sbin/nologin selfcare-test
            PG_USER=selfcare-test
        fi
        chmod 755 "$PG_DIR"
        chown -R "$PG_USER" "$PG_DIR/sock"
        mkdir -p "$PG_DIR/data" && chown "$PG_USER" "$PG_DIR/data"
    fi
    if ! as_pg_user "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U selfcare --no-locale -E UTF8 --no-sync \
            >"$PG_DIR/initdb.log" 2>&1; then
        cat "$PG_DIR/initdb.log" >&2
        die "initdb failed"
    fi
    local attempt
    for attempt in 1 2 3; do
        PG_PORT="$(free_port)"
        if as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/data/postgres.log" -w -s -t 60 \
                -o "-k $PG_DIR/sock -p $PG_PORT -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
                start >/dev/null; then
            break
        fi
        [ "$attempt" -eq 3 ] && { tail -n 30 "$PG_DIR/data/postgres.log" >&2 || true; die "PostgreSQL did not start"; }
    done
    PG_ADMIN_URL="postgres://selfcare@127.0.0.1:$PG_PORT/postgres"
}

pg_stop() {
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -s stop -m immediate >/dev/null 2>&1 || true
    fi
}

# psql_at URL SQL: one query, unaligned tuples only, tab-separated.
psql_at() {
    "$PG_BIN/psql" -X -q -At -F $'\t' -v ON_ERROR_STOP=1 "$1" -c "$2"
}

# Starts `python3 ARGS…` as the peer NAME (its output in $PEER_DIR/NAME.out and .err, its pid in $PEER_PIDS/NAME.pid;
# by default $WORK and $WORK/pids) and prints what follows "listening " on the first line it writes; dies when it
# writes anything else. It runs inside a command substitution, so the pid goes to a file the caller's cleanup reads.
start_peer() {
    local name="$1"; shift
    local dir="${PEER_DIR:-$WORK}"
    local out="$dir/$name.out" line=""
    python3 "$@" >"$out" 2>"$dir/$name.err" &
    echo "$!" >"${PEER_PIDS:-$WORK/pids}/$name.pid"
    for _ in $(seq 1 100); do
        line="$(head -n 1 "$out" 2>/dev/null || true)"
        [ -n "$line" ] && break
        sleep 0.1
    done
    case "$line" in
        "listening "*) printf '%s\n' "${line#listening }" ;;
        *) cat "$dir/$name.err" >&2; die "$name did not start" ;;
    esac
}

# Waits up to a minute for URL to answer with a success; otherwise says that WHAT did not answer, and fails.
wait_http() {
    local url="$1" what="$2"
    for _ in $(seq 1 300); do
        curl -sfk -o /dev/null "$url" && return 0
        sleep 0.2
    done
    printf '==> %s did not answer at %s\n' "$what" "$url" >&2
    return 1
}

# Waits up to a minute for something to listen on PORT; otherwise dies naming WHAT.
wait_listening() {
    local port="$1" what="$2"
    for _ in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.2
    done
    die "$what is not listening on port $port"
}
