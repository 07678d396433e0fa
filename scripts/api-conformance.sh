#!/usr/bin/env bash
# API conformance: schemathesis (PyPI) tests the JSON API against its own OpenAPI document
# (Sources/SelfCareWeb/Resources/openapi.yaml, served at /api/v1/openapi.yaml), with every check and every phase
# (examples, coverage, fuzzing, stateful), logged in once with an Account ID and once with a Client ID.
#
# A development portal is started here on a throwaway SQLite database with the sample customers, usage and a closed
# period; a login is registered through the API for an Account ID and for a Client ID (the activation codes are read
# from the dev sink, /dev/messages), and each is logged in for a Bearer token.
#
# Usage: scripts/api-conformance.sh [more `st run` options...]
#
# Environment:
#   SELFCARE_BIN=PATH          the selfcare executable to test (default: `swift build --product selfcare`)
#   CONFORMANCE_EXAMPLES=N     test cases per operation and phase (default 40)
#   CONFORMANCE_SEED=N         schemathesis seed, to replay a run (default: a fresh one, printed in the summary; under
#                              CI seed 1, so a landing run is reproducible — fresh seeds explore outside CI)
#   CONFORMANCE_REPORT_DIR=DIR keep the JUnit and NDJSON reports there (default: thrown away with the database)
#   CONFORMANCE_SCHEMA=FILE    test against this OpenAPI file instead of the document the portal serves (the one built
#                              into the executable), e.g. Sources/SelfCareWeb/Resources/openapi.yaml while editing it
#
# What the run needs, and why:
# - DELETE /api/v1/sessions/current ends the session of the token it is sent with. It is tested on its own, last, with
#   tokens of its own, so that it cannot log the other operations out half-way.
# - Login limits (5 failures per identifier, 30 per client address in 15 minutes) are left as they are: the fuzzed
#   logins use other identifiers, and every token is obtained before any fuzzing starts. 429 is a documented answer.
# - Each login's API requests are limited per minute (API_TOKEN_RATE_LIMIT, its sessions and tokens together); the run
#   sends hundreds a minute with one token, so the limit is raised to keep every answer about the operation tested.
# - PAYMENT_RETURN_ORIGINS allows https://app.example.mu, the origin of the document's own `returnUrl` examples.
# - The portal accepts callbacks to any http(s) address in development, so the run happens in a network namespace of
#   its own with only the loopback interface (unshare; root or user namespaces): nothing fuzzed can leave the machine.
# - Some rules cannot be written in JSON Schema: check digits of identifiers, a password equal to its confirmation and
#   not a common one, a range of dates, an amount at most what remains on a bill, a code sent by SMS, a webhook
#   signature. scripts/api-conformance.toml lists, per operation, the documented refusals schemathesis may then meet
#   with schema-valid data; every other check stays on.
#
# Exit code: 0 when every run passed, 1 when schemathesis found a failure (or the portal could not be set up).
set -euo pipefail
cd "$(dirname "$0")/.."
repo_root="$PWD"

SCHEMATHESIS_VERSION=4.32.5
log() { printf '==> %s\n' "$*"; }
die() { printf '==> error: %s\n' "$*" >&2; exit 1; }

if [ -z "${SELFCARE_CONFORMANCE_INNER:-}" ]; then
    # --- outside the namespace: what needs the package registry or the compiler -------------------------------------
    if [ "$(python3 -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true)" != "$SCHEMATHESIS_VERSION" ]; then
        log "installing schemathesis $SCHEMATHESIS_VERSION"
        pip install -q "schemathesis==$SCHEMATHESIS_VERSION" 2>/dev/null ||
            pip install -q --break-system-packages "schemathesis==$SCHEMATHESIS_VERSION"
    fi
    command -v st >/dev/null || die "schemathesis is installed but its st command is not on PATH"
    if [ -z "${SELFCARE_BIN:-}" ]; then
        swift build --product selfcare >/dev/null
        SELFCARE_BIN="$(swift build --show-bin-path)/selfcare"
    fi
    [ -x "$SELFCARE_BIN" ] || die "no selfcare executable at $SELFCARE_BIN"
    export SELFCARE_BIN SELFCARE_CONFORMANCE_INNER=1
    namespace=()
    if [ "$(id -u)" -eq 0 ] && unshare --net true 2>/dev/null; then
        namespace=(unshare --net)
    elif unshare --net --map-root-user true 2>/dev/null; then
        namespace=(unshare --net --map-root-user)
    fi
    if [ "${#namespace[@]}" -gt 0 ]; then
        exec "${namespace[@]}" "$repo_root/scripts/api-conformance.sh" "$@"
    fi
    log "warning: no network namespace (unshare refused); running on this machine's network"
    SELFCARE_CONFORMANCE_INNER=host
fi

# --- inside the namespace (or on the host when none could be made) ---------------------------------------------------
if [ "$SELFCARE_CONFORMANCE_INNER" = "1" ]; then
    ip link set lo up 2>/dev/null || python3 - <<'EOF'
import fcntl, socket, struct
s = socket.socket()
ifreq = struct.pack("16sH14x", b"lo", 0)
flags = struct.unpack("16sH14x", fcntl.ioctl(s, 0x8913, ifreq))[1]
fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", flags | 0x1))
EOF
fi

BIN="$SELFCARE_BIN"
WORK=$(mktemp -d /tmp/selfcare-conformance.XXXXXX)
SERVER=""
cleanup() {
    local rc=$?
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DB="sqlite://$WORK/portal.sqlite"
"$BIN" import-plans samples/plans.json --database "$DB" >/dev/null
ACCOUNT_ID=$("$BIN" import-customers samples/customers.csv --database "$DB" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['accounts'][0]['accountId'])")
"$BIN" import-usage samples/usage-2026-10.csv --database "$DB" >/dev/null
"$BIN" bill-run --period 2026-10 --database "$DB" >/dev/null
CLIENT_ID=$("$BIN" issue-client-id --client B001 --database "$DB")
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
URL="http://127.0.0.1:$PORT"
# The customers are already loaded, so the development start loads no demo data.
SELFCARE_MODE=development PAYMENT_RETURN_ORIGINS=https://app.example.mu API_TOKEN_RATE_LIMIT=100000 \
    "$BIN" serve --port "$PORT" --database "$DB" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 150); do curl -sf "$URL/health" >/dev/null && break; sleep 0.2; done
curl -sf "$URL/health" >/dev/null || { tail -20 "$WORK/server.log" >&2; die "the portal did not start"; }

# Registers a login for each identifier through the API and logs it in: two tokens per login, one for the main run and
# one for the logout run. Prints "ACCOUNT_TOKEN CLIENT_TOKEN ACCOUNT_LOGOUT_TOKEN CLIENT_LOGOUT_TOKEN".
TOKENS=$(python3 - "$URL" "$ACCOUNT_ID" "$CLIENT_ID" <<'EOF'
import json, re, sys, time, urllib.request

url, account_id, client_id = sys.argv[1:4]
password = "conformance run passphrase"

def call(method, path, body=None):
    request = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)

def activation_code(seen):
    for _ in range(100):
        for message in call("GET", "/dev/messages"):
            match = re.search(r"\b(\d{6})\b", message["body"])
            if match and message["channel"] == "sms" and message["body"] not in seen:
                seen.add(message["body"])
                return match.group(1)
        time.sleep(0.1)
    raise SystemExit("no activation code arrived at /dev/messages")

seen = {m["body"] for m in call("GET", "/dev/messages")}
tokens = []
for identifier in (account_id, client_id):
    flow = call("POST", "/api/v1/registrations",
                {"identifier": identifier, "fullName": "Conformance Run", "email": "conformance@example.mu", "acceptTerms": True})["id"]
    call("POST", f"/api/v1/registrations/{flow}/activation", {"code": activation_code(seen)})
    call("POST", f"/api/v1/registrations/{flow}/password", {"password": password, "passwordConfirmation": password})
for identifier in (account_id, client_id, account_id, client_id):
    tokens.append(call("POST", "/api/v1/sessions", {"identifier": identifier, "password": password})["token"])
print(" ".join(tokens))
EOF
) || { tail -20 "$WORK/server.log" >&2; die "could not register and log in the two logins"; }
read -r ACCOUNT_TOKEN CLIENT_TOKEN ACCOUNT_LOGOUT_TOKEN CLIENT_LOGOUT_TOKEN <<<"$TOKENS"
log "portal at $URL: Account ID $ACCOUNT_ID and Client ID of client B001 registered and logged in"

report_dir="${CONFORMANCE_REPORT_DIR:-$WORK/reports}"
mkdir -p "$report_dir"
examples="${CONFORMANCE_EXAMPLES:-40}"
seed_option=()
seed="${CONFORMANCE_SEED:-}"
[ -z "$seed" ] && [ -n "${CI:-}" ] && seed=1
[ -n "$seed" ] && seed_option=(--seed "$seed")

# One schemathesis run; $1 names it (reports), $2 is the token, $3 the phases, the rest are more options.
conformance() {
    local name="$1" token="$2" phases="$3"
    shift 3
    log "schemathesis $name"
    # Hypothesis keeps its files with the database, not in the work tree.
    HYPOTHESIS_STORAGE_DIRECTORY="$WORK/hypothesis" st --config-file scripts/api-conformance.toml \
        run "${CONFORMANCE_SCHEMA:-$URL/api/v1/openapi.yaml}" --url "$URL" -H "Authorization: Bearer $token" \
        --checks all --phases "$phases" --max-examples "$examples" --workers 1 \
        "${seed_option[@]}" --no-color --report junit,ndjson --report-dir "$report_dir" \
        --report-junit-path "$report_dir/$name.xml" --report-ndjson-path "$report_dir/$name.ndjson" "$@"
}

all_phases=examples,coverage,fuzzing,stateful
failed=()
conformance account-id "$ACCOUNT_TOKEN" "$all_phases" --exclude-path /api/v1/sessions/current "$@" || failed+=(account-id)
conformance client-id "$CLIENT_TOKEN" "$all_phases" --exclude-path /api/v1/sessions/current "$@" || failed+=(client-id)
# Logging out alone: no link leads to it or from it (its token is the Authorization header), so there is no stateful
# phase to run; every request after the first is answered 401, as documented.
conformance account-id-logout "$ACCOUNT_LOGOUT_TOKEN" examples,coverage,fuzzing --include-path /api/v1/sessions/current "$@" ||
    failed+=(account-id-logout)
conformance client-id-logout "$CLIENT_LOGOUT_TOKEN" examples,coverage,fuzzing --include-path /api/v1/sessions/current "$@" ||
    failed+=(client-id-logout)

if [ "${#failed[@]}" -gt 0 ]; then
    log "error: the API does not conform to its OpenAPI document (${failed[*]}); server log: last lines below"
    grep -E ' (error|critical) ' "$WORK/server.log" | tail -20 >&2 || true
    exit 1
fi
log "the API conforms to its OpenAPI document (Account ID and Client ID logins, every check, every phase)"
