#!/usr/bin/env bash
# Checks that the files under deploy/ are at least well formed, with the tools that read them where they run here:
#   - deploy/nginx/selfcare.conf: `nginx -t` as written (only the certificate and log paths replaced), and as
#     deploy/compose.yaml rewrites it for the containers (its own sed command, run here);
#   - deploy/systemd/*.service: `systemd-analyze verify` (any warning fails) and an offline security review that must
#     rate the units "OK"; without systemd-analyze, a syntax check in Python;
#   - deploy/compose.yaml: parses as YAML and names postgres, two portals and nginx, with what each needs;
#   - deploy/Dockerfile: a swift:6.2 build stage with `swift build -c release --static-swift-stdlib`, a slim runtime
#     stage that copies from it and runs as a user other than root;
#   - deploy/selfcare.env.example names every setting production requires (asked of the selfcare executable when one
#     is at hand: $SELFCARE_BIN or .build/debug/selfcare).
# Docker cannot run on the project's build machines, so the image and the compose file are never built or started.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=lib/test-support.sh
. scripts/lib/test-support.sh

ensure_packages nginx:nginx openssl:openssl
python3 -c "import yaml" 2>/dev/null || pip install -q pyyaml 2>/dev/null || pip install -q --break-system-packages pyyaml

WORK="$(mktemp -d /tmp/selfcare-deploy.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
failures=0
pass() { printf '    ok   %s\n' "$*"; }
fail() { printf '    FAIL %s\n' "$*"; failures=$((failures + 1)); }

log "deploy files"

# --- nginx ---------------------------------------------------------------------------------------------------------

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=selfcare.example.mu \
    -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" >/dev/null 2>&1 || die "openssl could not make a certificate"
mkdir -p "$WORK/tmp"

# nginx_check SLUG LABEL SITE_CONF [WRAPPER...]: `nginx -t` (run through WRAPPER) of a main configuration that
# includes SITE_CONF in http { }, as Debian's does.
nginx_check() {
    local name="$1" label="$2" site="$3" main="$WORK/nginx-$1.conf" output
    cat >"$main" <<EOF
pid $WORK/nginx-$name.pid;
error_log $WORK/error-$name.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    include $site;
}
EOF
    if output="$("${@:4}" nginx -t -c "$main" 2>&1)" && ! printf '%s\n' "$output" | grep -q '\[warn\]'; then
        pass "nginx -t: $label"
    else
        fail "nginx -t: $label"
        printf '%s\n' "$output" | sed 's/^/      /'
    fi
}

sed -e "s|/etc/ssl/selfcare/fullchain.pem|$WORK/fullchain.pem|" \
    -e "s|/etc/ssl/selfcare/privkey.pem|$WORK/privkey.pem|" \
    -e "s|/var/log/nginx/|$WORK/|" \
    deploy/nginx/selfcare.conf >"$WORK/selfcare.conf"
nginx_check sample "deploy/nginx/selfcare.conf" "$WORK/selfcare.conf"
for want in 'listen 443 ssl http2;' 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;' \
            'proxy_set_header X-Forwarded-Proto $scheme;' 'client_max_body_size' 'proxy_read_timeout' 'upstream selfcare_portal'; do
    grep -qF -- "$want" deploy/nginx/selfcare.conf || fail "deploy/nginx/selfcare.conf lacks '$want'"
done
servers="$(grep -cE '^\s*server 127\.0\.0\.1:[0-9]+ ' deploy/nginx/selfcare.conf || true)"
[ "$servers" -ge 2 ] && pass "nginx upstream lists $servers instances" || fail "nginx upstream lists $servers instances (2 or more wanted)"

# The configuration as compose's nginx container rewrites it, with the compose service names resolving here.
python3 - "$WORK/compose-nginx.sh" <<'EOF'
import sys, yaml
command = yaml.safe_load(open("deploy/compose.yaml"))["services"]["nginx"]["command"]
script = command[-1].split("&&")[0].strip()
script = script.replace("/etc/selfcare/selfcare.conf", "deploy/nginx/selfcare.conf")
open(sys.argv[1], "w").write(script + "\n")
EOF
sed -i "s|/etc/nginx/conf.d/default.conf|$WORK/compose-site.conf|" "$WORK/compose-nginx.sh"
sh "$WORK/compose-nginx.sh"
sed -i -e "s|/etc/ssl/selfcare/fullchain.pem|$WORK/fullchain.pem|" -e "s|/etc/ssl/selfcare/privkey.pem|$WORK/privkey.pem|" \
    "$WORK/compose-site.conf"
if is_root && command -v unshare >/dev/null && unshare --mount true 2>/dev/null; then
    { cat /etc/hosts; printf '127.0.0.1 portal1 portal2\n'; } >"$WORK/hosts"
    nginx_check compose "deploy/nginx/selfcare.conf as deploy/compose.yaml runs it" "$WORK/compose-site.conf" \
        unshare --mount --propagation private sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$WORK/hosts"
else
    sed -i -e 's|server portal1:8080 |server 127.0.0.1:8080 |' -e 's|server portal2:8080 |server 127.0.0.1:8081 |' "$WORK/compose-site.conf"
    nginx_check compose "deploy/nginx/selfcare.conf as deploy/compose.yaml runs it (service names as 127.0.0.1)" "$WORK/compose-site.conf"
fi

# --- systemd -------------------------------------------------------------------------------------------------------

mkdir -p "$WORK/units"
for unit in deploy/systemd/*.service; do
    # verify wants ExecStart to exist: the executable's install path is replaced by one that does.
    sed "s|/opt/selfcare/selfcare|/bin/true|" "$unit" >"$WORK/units/$(basename "$unit")"
done
[ -f "$WORK/units/selfcare@.service" ] && cp "$WORK/units/selfcare@.service" "$WORK/units/selfcare@8081.service"
for unit in selfcare.service selfcare@8081.service; do
    [ -f "$WORK/units/$unit" ] || { [ "$unit" = selfcare.service ] && fail "deploy/systemd/selfcare.service is missing"; continue; }
    if command -v systemd-analyze >/dev/null 2>&1; then
        if output="$(cd "$WORK/units" && systemd-analyze verify --man=no "./$unit" 2>&1)" && [ -z "$output" ]; then
            pass "systemd-analyze verify $unit"
        else
            fail "systemd-analyze verify $unit"
            printf '%s\n' "$output" | sed 's/^/      /'
        fi
        level="$(cd "$WORK/units" && systemd-analyze security --offline=true --no-pager "./$unit" 2>/dev/null |
                 sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p')"
        case "$level" in
            *" OK") pass "systemd-analyze security $unit: exposure $level" ;;
            *) fail "systemd-analyze security $unit: exposure '${level:-unknown}' (OK, under 2.0, wanted)" ;;
        esac
    else
        log "systemd-analyze not found: checking $unit's syntax in Python"
    fi
done
python3 - deploy/systemd/*.service <<'EOF' && pass "unit files: sections, keys and hardening settings" || fail "unit files: see above"
import re, sys
required = {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
            "Restart": "on-failure"}
ok = True
for path in sys.argv[1:]:
    sections, keys = [], {}
    for number, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if re.fullmatch(r"\[[A-Za-z]+\]", line):
            sections.append(line)
            continue
        found = re.fullmatch(r"([A-Za-z][A-Za-z0-9]*)=(.*)", line)
        if not found or not sections:
            print(f"      {path}:{number}: not a 'Key=value' line in a section: {line}")
            ok = False
            continue
        keys.setdefault(found.group(1), []).append(found.group(2))
    for section in ("[Unit]", "[Service]", "[Install]"):
        if section not in sections:
            print(f"      {path}: no {section} section"); ok = False
    for key, value in required.items():
        if value not in keys.get(key, []):
            print(f"      {path}: {key}={value} missing"); ok = False
    if "yes" not in keys.get("DynamicUser", []) and not keys.get("User"):
        print(f"      {path}: neither DynamicUser=yes nor a dedicated User="); ok = False
    if not keys.get("EnvironmentFile"):
        print(f"      {path}: no EnvironmentFile="); ok = False
    if not any(v.startswith("/") for v in keys.get("ExecStart", [])):
        print(f"      {path}: ExecStart must be an absolute path"); ok = False
sys.exit(0 if ok else 1)
EOF

# --- compose -------------------------------------------------------------------------------------------------------

python3 - <<'EOF' && pass "deploy/compose.yaml: postgres, portal1, portal2 and nginx, wired together" || fail "deploy/compose.yaml: see above"
import os, sys, yaml
compose = yaml.safe_load(open("deploy/compose.yaml"))
problems = []
services = compose.get("services") or {}
for name in ("postgres", "portal1", "portal2", "nginx"):
    if name not in services:
        problems.append(f"no service {name}")
for name, service in services.items():
    for dependency in (service.get("depends_on") or {}):
        if dependency not in services:
            problems.append(f"{name} depends on unknown service {dependency}")
    for volume in service.get("volumes") or []:
        source = volume.split(":")[0]
        if source.startswith("./") and "certs" not in source and not os.path.exists(os.path.join("deploy", source)):
            problems.append(f"{name} mounts {source}, which is not in deploy/")
for name in ("portal1", "portal2"):
    service = services.get(name) or {}
    build = service.get("build") or {}
    if os.path.normpath(os.path.join("deploy", build.get("context", "."), build.get("dockerfile", "Dockerfile"))) != "deploy/Dockerfile":
        problems.append(f"{name} is not built from deploy/Dockerfile")
    environment = service.get("environment") or {}
    for key in ("DATABASE_URL", "TRUSTED_PROXIES"):
        if key not in environment:
            problems.append(f"{name} does not set {key}")
    if "postgres" not in (service.get("depends_on") or {}):
        problems.append(f"{name} does not wait for postgres")
    if service.get("env_file") != "selfcare.env":
        problems.append(f"{name} does not read selfcare.env (made from selfcare.env.example)")
nginx = services.get("nginx") or {}
if not any("nginx/selfcare.conf" in v for v in nginx.get("volumes") or []):
    problems.append("nginx does not run deploy/nginx/selfcare.conf")
if not any(str(p).endswith(":443") for p in nginx.get("ports") or []):
    problems.append("nginx does not publish 443")
for problem in problems:
    print(f"      {problem}")
sys.exit(1 if problems else 0)
EOF

# --- Dockerfile ----------------------------------------------------------------------------------------------------

python3 - <<'EOF' && pass "deploy/Dockerfile: swift:6.2 build stage, slim runtime stage, non-root user" || fail "deploy/Dockerfile: see above"
import os, re, sys
lines, current = [], ""
for raw in open("deploy/Dockerfile"):
    line = raw.rstrip("\n")
    if line.lstrip().startswith("#") and not current:
        continue
    if line.endswith("\\"):
        current += line[:-1] + " "
        continue
    current += line
    if current.strip():
        lines.append(current.strip())
    current = ""
stages, problems = [], []
for line in lines:
    instruction, _, rest = line.partition(" ")
    instruction = instruction.upper()
    if instruction not in {"FROM", "RUN", "COPY", "ADD", "WORKDIR", "ENV", "ARG", "USER", "EXPOSE", "ENTRYPOINT", "CMD",
                           "LABEL", "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "SHELL", "ONBUILD"}:
        problems.append(f"unknown instruction: {line[:60]}")
        continue
    if instruction == "FROM":
        found = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", rest.strip(), re.IGNORECASE)
        stages.append({"image": found.group(1), "name": (found.group(2) or "").lower(), "lines": []})
    elif not stages:
        if instruction != "ARG":
            problems.append(f"{instruction} before FROM")
    else:
        stages[-1]["lines"].append((instruction, rest.strip()))
if len(stages) < 2:
    problems.append(f"{len(stages)} stage(s); a build stage and a runtime stage wanted")
else:
    build, runtime = stages[0], stages[-1]
    if not re.fullmatch(r"swift:6\.2(\.\d+)?(-[a-z0-9]+)?", build["image"]):
        problems.append(f"build stage is {build['image']}, not swift:6.2")
    if not any(i == "RUN" and re.search(r"swift build -c release --static-swift-stdlib", r) for i, r in build["lines"]):
        problems.append("build stage does not run swift build -c release --static-swift-stdlib")
    if runtime["image"].startswith("swift:") and "slim" not in runtime["image"]:
        problems.append(f"runtime stage runs on the full toolchain image {runtime['image']}")
    if not any(i == "COPY" and f"--from={build['name']}" in r for i, r in runtime["lines"]):
        problems.append("runtime stage copies nothing from the build stage")
    users = [r for i, r in runtime["lines"] if i == "USER"]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problems.append("runtime stage runs as root")
    if not any(i in ("ENTRYPOINT", "CMD") for i, _ in runtime["lines"]):
        problems.append("runtime stage has no ENTRYPOINT or CMD")
for stage in stages:
    for instruction, rest in stage["lines"]:
        if instruction == "COPY" and "--from=" not in rest:
            for source in rest.split()[:-1]:
                if not source.startswith("--") and not os.path.exists(source):
                    problems.append(f"COPY {source}: not in the repository")
        if instruction == "ADD":
            problems.append("ADD used (COPY is enough and fetches nothing)")
for problem in problems:
    print(f"      {problem}")
print(f"      stages: " + ", ".join(f"{s['name'] or '?'} ({s['image']})" for s in stages))
sys.exit(1 if problems else 0)
EOF

# --- environment example -------------------------------------------------------------------------------------------

bin="${SELFCARE_BIN:-}"
[ -z "$bin" ] && [ -x .build/debug/selfcare ] && bin=.build/debug/selfcare
if [ -n "$bin" ] && [ -x "$bin" ]; then
    bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
    refusal="$(cd "$WORK" && env -i PATH="$PATH" "$bin" serve --mode production 2>&1 || true)"
    missing="$(printf '%s\n' "$refusal" | grep -oE '[A-Z][A-Z_]+ is missing' | awk '{print $1}' | sort -u)"
    [ -n "$missing" ] || fail "selfcare serve --mode production with no settings did not name what is missing: $refusal"
    absent=""
    for name in $missing; do
        grep -qE "^$name=" deploy/selfcare.env.example || absent="$absent $name"
    done
    [ -z "$absent" ] && pass "deploy/selfcare.env.example sets all $(echo "$missing" | wc -l) settings production requires" ||
        fail "deploy/selfcare.env.example lacks:$absent"
else
    log "no selfcare executable at hand: the environment example is not compared with what production requires"
fi

if [ "$failures" -ne 0 ]; then
    log "deploy files: $failures check(s) failed"
    exit 1
fi
log "deploy files: all checks passed"
