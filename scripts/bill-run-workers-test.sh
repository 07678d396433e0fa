#!/usr/bin/env bash
# `bill-run --workers 4` on PostgreSQL, with workers killed by SIGKILL part-way:
#   1. one worker killed: the others bill its clients, the period closes, and every line has exactly the bill a
#      single-process run gives it (same total, same usage charges) and the same messages;
#   2. every process killed: no client is half billed (all its lines or none), the period stays open, and running
#      the command again finishes it, again with exactly the single-process bills.
# Run by scripts/test.sh; needs PostgreSQL (installed by scripts/test.sh) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '==> bill-run workers: %s\n' "$*"; }
die() { printf '==> bill-run workers: error: %s\n' "$*" >&2; exit 1; }

LINES=${BILL_RUN_TEST_LINES:-5000}
RECORDS=${BILL_RUN_TEST_RECORDS:-50000}
WORK=$(mktemp -d /tmp/selfcare-bill-workers.XXXXXX)
source Benchmarks/postgres.sh
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" >/dev/null 2>&1 || true; done
    pkill -9 -f -- "--worker-slot .*/4" >/dev/null 2>&1 || true
    bench_pg_stop
    rm -rf "$WORK"
}
trap cleanup EXIT

swift build --product selfcare >/dev/null
BIN="$(swift build --show-bin-path)/selfcare"
bench_pg_start
[ -n "$BENCH_PG_ADMIN" ] || die "PostgreSQL is needed"
python3 Benchmarks/generate_usage.py "$WORK" "$RECORDS" "$LINES"

load() { # database URL: plans, customers and usage of October
    "$BIN" import-plans samples/plans.json --database "$1" >/dev/null
    "$BIN" import-customers "$WORK/customers.csv" --database "$1" >/dev/null
    "$BIN" import-usage "$WORK/usage.csv" --database "$1" >/dev/null 2>&1
}
q() { psql -X -A -t -q "$1" -c "$2"; }
billed() { q "$1" "SELECT COUNT(*) FROM bills WHERE period = '2026-10'"; }
# Each line's bill as the account, its total and usage charges: what must not depend on how the run was split.
bills_of() { q "$1" "SELECT a.account_id, b.total_cents, b.usage_cents FROM bills b JOIN accounts a ON a.id = b.account_id WHERE b.period = '2026-10' ORDER BY 1"; }

log "$LINES lines, $RECORDS records: a single-process run for reference"
TEMPLATE=$(bench_pg_database template_loaded)
load "$TEMPLATE"
base="${TEMPLATE%/template_loaded}"
for name in reference one_killed all_killed; do
    psql -X -q "$BENCH_PG_ADMIN" -c "CREATE DATABASE $name TEMPLATE template_loaded"
done
REF="$base/reference"
"$BIN" bill-run --period 2026-10 --workers 1 --database "$REF" >/dev/null 2>&1
bills_of "$REF" >"$WORK/reference.txt"
total=$(wc -l <"$WORK/reference.txt")
[ "$total" -eq "$LINES" ] || die "the reference run billed $total lines, expected $LINES"

# Waits until some but not all lines of database $1 are billed; fails when the run ended first.
wait_part_way() {
    local n
    for _ in $(seq 1 3000); do
        n=$(billed "$1")
        if [ "$n" -gt 0 ] && [ "$n" -lt "$LINES" ]; then echo "$n"; return 0; fi
        [ "$n" -ge "$LINES" ] && die "the run finished before it could be interrupted (make BILL_RUN_TEST_LINES larger)"
        sleep 0.05
    done
    die "no bill appeared"
}

check_same_as_reference() { # database URL, label
    bills_of "$1" >"$WORK/$2.txt"
    cmp -s "$WORK/reference.txt" "$WORK/$2.txt" || { diff "$WORK/reference.txt" "$WORK/$2.txt" | head -5 >&2; die "$2: bills differ from the single-process run"; }
    [ "$(q "$1" "SELECT COUNT(*) FROM billing_periods WHERE period = '2026-10'")" = 1 ] || die "$2: the period is not closed once"
    # The messages a run queues (bill-ready SMS, alerts), as many and to the same lines as the single run's.
    local messages="SELECT recipient, COUNT(*) FROM outbox_messages GROUP BY recipient ORDER BY 1"
    [ "$(q "$1" "$messages" | md5sum)" = "$(q "$REF" "$messages" | md5sum)" ] || die "$2: messages differ from the single-process run"
    local groups
    groups=$(q "$1" "SELECT COUNT(*) FROM group_bills g WHERE g.period = '2026-10' AND g.total_cents = (SELECT SUM(b.total_cents) FROM bills b WHERE b.group_bill_id = g.id)")
    [ "$groups" -eq "$(q "$REF" "SELECT COUNT(*) FROM group_bills WHERE period = '2026-10'")" ] || die "$2: a group bill does not add up its lines"
}

log "1. four workers, one killed part-way"
"$BIN" bill-run --period 2026-10 --workers 4 --database "$base/one_killed" >"$WORK/one.json" 2>"$WORK/one.err" &
pids+=($!)
parent=$!
at=$(wait_part_way "$base/one_killed")
victim=$(pgrep -f -- "--worker-slot 2/4" | head -1) || die "no second worker process"
kill -9 "$victim"
wait "$parent" || die "the run failed after a worker was killed: $(cat "$WORK/one.err")"
grep -q "ended with signal 9" "$WORK/one.err" || die "the run did not say a worker died"
check_same_as_reference "$base/one_killed" one_killed
log "   killed worker 3 of 4 with $at of $LINES lines billed; the others billed the rest; bills equal the single run's"

log "2. four workers, all killed part-way, then the command again"
"$BIN" bill-run --period 2026-10 --workers 4 --database "$base/all_killed" >/dev/null 2>&1 &
pids+=($!)
parent=$!
at=$(wait_part_way "$base/all_killed")
kill -9 "$parent" $(pgrep -f -- "--worker-slot [0-9]/4") 2>/dev/null || true
wait "$parent" 2>/dev/null || true
for _ in $(seq 1 100); do pgrep -f -- "--worker-slot [0-9]/4" >/dev/null || break; sleep 0.05; done
after=$(billed "$base/all_killed")
half=$(q "$base/all_killed" "SELECT COUNT(*) FROM (SELECT a.client_id FROM accounts a LEFT JOIN bills b ON b.account_id = a.id AND b.period = '2026-10' GROUP BY a.client_id HAVING COUNT(b.id) > 0 AND COUNT(b.id) < COUNT(*)) half")
[ "$half" = 0 ] || die "$half clients half billed after the kill"
[ "$(q "$base/all_killed" "SELECT COUNT(*) FROM billing_periods")" = 0 ] || die "the period closed although lines were left"
[ "$after" -lt "$LINES" ] || die "every line was billed before the kill"
"$BIN" bill-run --period 2026-10 --workers 4 --database "$base/all_killed" >/dev/null 2>&1 || die "the second run failed"
check_same_as_reference "$base/all_killed" all_killed
log "   killed everything with $after of $LINES lines billed, no client half billed; the second run finished; bills equal the single run's"
log "passed"
