#!/usr/bin/env bash
# Sourced by the benchmarks: starts a throwaway PostgreSQL on a free loopback port (as the `postgres` user when run
# as root), exports BENCH_PG_ADMIN (a URL of its `postgres` database) and stops it on exit.
# Leaves BENCH_PG_ADMIN empty when no PostgreSQL is installed.
bench_pg_start() {
  BENCH_PG_ADMIN=""
  local initdb bin
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  [ -n "$initdb" ] || { echo "==> no PostgreSQL installed: PostgreSQL figures skipped"; return 0; }
  bin=$(dirname "$initdb")
  BENCH_PG_DIR=$(mktemp -d /tmp/selfcare-bench-pg.XXXXXX)
  local user=""
  if [ "$(id -u)" -eq 0 ]; then user=postgres; chown -R postgres "$BENCH_PG_DIR"; fi
  as_pg() { if [ -n "$user" ]; then (cd "$BENCH_PG_DIR" && runuser -u "$user" -- "$@"); else (cd "$BENCH_PG_DIR" && "$@"); fi; }
  as_pg "$bin/initdb" -D "$BENCH_PG_DIR/data" -A trust -U selfcare --no-locale -E UTF8 --no-sync >/dev/null
  BENCH_PG_PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
  as_pg "$bin/pg_ctl" -D "$BENCH_PG_DIR/data" -s -w -l "$BENCH_PG_DIR/log" \
    -o "-p $BENCH_PG_PORT -k $BENCH_PG_DIR -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_wal_size=4GB -c synchronous_commit=off" start
  BENCH_PG_ADMIN="postgres://selfcare@127.0.0.1:$BENCH_PG_PORT/postgres"
  BENCH_PG_STOP="$bin/pg_ctl"
  BENCH_PG_USER="$user"
}

bench_pg_stop() {
  [ -n "${BENCH_PG_DIR:-}" ] || return 0
  if [ -n "$BENCH_PG_USER" ]; then runuser -u "$BENCH_PG_USER" -- "$BENCH_PG_STOP" -D "$BENCH_PG_DIR/data" -s -m immediate stop >/dev/null 2>&1 || true
  else "$BENCH_PG_STOP" -D "$BENCH_PG_DIR/data" -s -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$BENCH_PG_DIR"
}

# A new empty database on the throwaway server; prints its URL.
bench_pg_database() {
  psql -q "$BENCH_PG_ADMIN" -c "CREATE DATABASE $1" >/dev/null
  echo "postgres://selfcare@127.0.0.1:$BENCH_PG_PORT/$1"
}
