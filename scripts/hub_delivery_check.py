#!/usr/bin/env python3
"""Peers and checks for scripts/hub-delivery-test.sh: event deliveries against DNS rebinding and stalled receivers.

    python3 scripts/hub_delivery_check.py peers --dir DIR --cert LEAF.crt --key LEAF.key
    python3 scripts/hub_delivery_check.py run CONFIG.json

`peers` runs, in one process, what stands for the outside world inside the test's network namespace, and prints
`listening` once every socket is bound:
  - a DNS server on 127.0.0.1:53 (UDP) answering A records with TTL 0: hooks-rebind.test is 11.0.0.1 for its first
    two A queries and 127.0.0.1 afterwards; hooks-good.test and hooks-slow.test are 11.0.0.2; other types of a known
    name get an empty NOERROR answer, unknown names NXDOMAIN. Each query is logged to DIR/dns.jsonl;
  - HTTPS receivers (the leaf certificate names the three hosts), each logging to DIR/hooks.jsonl every accepted TCP
    connection (before any TLS) and every request (path, webhook-id, Host, TLS server name, arrival time):
      rebind    11.0.0.1:443   where hooks-rebind.test points while it is checked; answers 200
      loopback  127.0.0.1:443  where it points afterwards: must never see a connection
      good      11.0.0.2:443   hooks-good.test; answers 200 at once
      slow      11.0.0.2:8443  hooks-slow.test; reads the request, records it and never answers (it notes when
                               the portal gives the call up).

`run` (CONFIG.json written by the shell script) registers two logins through the API, subscribes login A's ten
callbacks to the stalling receiver and login B's to the good and the rebinding names, runs `bill-run` and checks:
  A. the rebinding name was resolved twice (subscription, delivery), the delivery reached 11.0.0.1 with the name in
     SNI and Host, the receiver on 127.0.0.1:443 accepted no connection, and the delivery is `delivered`;
  B. the good receiver had its event within 8 s of the end of the bill run while the ten stalled; each stalled event
     was tried again after the timeout and the back-off, never twice within 25 s (no second instance sending it while
     the first held it), and the tries each receiver saw are exactly the `attempts` the API reports.
Prints a summary; exits 1 when a check failed.
"""

import argparse
import json
import os
import select
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# --- peers ---------------------------------------------------------------------------------------------------------

REBIND = "hooks-rebind.test"
GOOD = "hooks-good.test"
SLOW = "hooks-slow.test"
PUBLIC_REBIND, PUBLIC_OTHER, LOOPBACK = "11.0.0.1", "11.0.0.2", "127.0.0.1"
REBIND_PUBLIC_ANSWERS = 2

QTYPES = {1: "A", 28: "AAAA", 5: "CNAME", 15: "MX", 16: "TXT", 33: "SRV", 65: "HTTPS", 255: "ANY"}


class JSONLog:
    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def write(self, **entry):
        entry.setdefault("time", time.time())
        with self.lock:
            self.file.write(json.dumps(entry) + "\n")
            self.file.flush()


def parse_question(packet):
    """(id, flags, name, qtype, end of the question) of a DNS query."""
    ident, flags, qdcount = struct.unpack("!HHH", packet[:6])
    if qdcount < 1:
        raise ValueError("no question")
    labels, offset = [], 12
    while True:
        length = packet[offset]
        offset += 1
        if length == 0:
            break
        if length & 0xC0:
            raise ValueError("compressed name in a question")
        labels.append(packet[offset:offset + length].decode("ascii").lower())
        offset += length
    qtype, _qclass = struct.unpack("!HH", packet[offset:offset + 4])
    return ident, flags, ".".join(labels), qtype, offset + 4


def run_dns(log):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((LOOPBACK, 53))
    a_queries = Counter()

    def answer_for(name, qtype):
        if name not in (REBIND, GOOD, SLOW):
            return 3, None                      # NXDOMAIN
        if qtype != 1:
            return 0, None                      # NOERROR, no answer
        a_queries[name] += 1
        if name == REBIND:
            return 0, PUBLIC_REBIND if a_queries[name] <= REBIND_PUBLIC_ANSWERS else LOOPBACK
        return 0, PUBLIC_OTHER

    def serve():
        while True:
            packet, client = sock.recvfrom(4096)
            try:
                ident, flags, name, qtype, end = parse_question(packet)
            except (ValueError, IndexError, UnicodeDecodeError, struct.error):
                continue
            rcode, address = answer_for(name, qtype)
            # QR, the query's opcode and RD, AA and RA.
            reply_flags = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode
            reply = struct.pack("!HHHHHH", ident, reply_flags, 1, 1 if address else 0, 0, 0) + packet[12:end]
            if address:
                reply += struct.pack("!HHHIH", 0xC00C, 1, 1, 0, 4) + socket.inet_aton(address)
            sock.sendto(reply, client)
            log.write(name=name, type=QTYPES.get(qtype, str(qtype)), answer=address, rcode=rcode)

    threading.Thread(target=serve, daemon=True).start()


STOP = threading.Event()


class HookServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, name, address, context, holds, log):
        self.name, self.context, self.holds, self.log = name, context, holds, log
        super().__init__(address, HookHandler)

    def get_request(self):
        # Counted at accept(), before any TLS: a connection that never completes a handshake still shows.
        sock, peer = self.socket.accept()
        self.log.write(receiver=self.name, kind="accept", peer=f"{peer[0]}:{peer[1]}")
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), peer

    def handle_error(self, request, client_address):
        self.log.write(receiver=self.name, kind="error", error=repr(sys.exc_info()[1])[:300])


class HookHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        self.request.settimeout(15)
        self.request.do_handshake()
        super().setup()

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            event = json.loads(body).get("eventId")
        except (ValueError, AttributeError):
            event = None
        server = self.server
        server.log.write(receiver=server.name, kind="request", path=self.path, webhookId=self.headers.get("webhook-id"),
                         eventId=event, host=self.headers.get("Host"), sni=getattr(self.request, "sni", None),
                         signed=bool(self.headers.get("webhook-signature")), peer=f"{self.client_address[0]}")
        if server.holds:
            # Never answers, never closes: notes when the portal gives up (its TLS close or the connection's end),
            # then keeps the connection as it is until the test ends.
            while not STOP.is_set():
                readable, _, _ = select.select([self.request], [], [], 1.0)
                if not readable:
                    continue
                try:
                    data = self.request.recv(4096)
                except (ssl.SSLError, OSError):
                    data = b""
                if not data:
                    server.log.write(receiver=server.name, kind="closed", path=self.path, webhookId=self.headers.get("webhook-id"))
                    break
            STOP.wait()
            return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"ok")
        self.close_connection = True


def tls_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def remember_name(sock, server_name, _context):
        try:
            sock.sni = server_name
        except AttributeError:
            pass

    context.sni_callback = remember_name
    return context


def peers(arguments):
    dns_log = JSONLog(os.path.join(arguments.dir, "dns.jsonl"))
    hooks_log = JSONLog(os.path.join(arguments.dir, "hooks.jsonl"))
    context = tls_context(arguments.cert, arguments.key)
    run_dns(dns_log)
    for name, address, holds in (("rebind", (PUBLIC_REBIND, 443), False), ("loopback", (LOOPBACK, 443), False),
                                 ("good", (PUBLIC_OTHER, 443), False), ("slow", (PUBLIC_OTHER, 8443), True)):
        server = HookServer(name, address, context, holds, hooks_log)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("listening 53 443 8443", flush=True)
    while True:
        time.sleep(3600)


# --- run and checks --------------------------------------------------------------------------------------------------

class Failure(Exception):
    pass


def read_jsonl(path):
    try:
        with open(path, encoding="utf-8") as file:
            return [json.loads(line) for line in file if line.strip()]
    except FileNotFoundError:
        return []


class Run:
    def __init__(self, config):
        import requests  # only the run needs it; the peers are standard library only
        self.requests = requests
        self.config = config
        self.instances = config["instances"]
        self.failures = []
        self.figures = []

    # --- small helpers ---------------------------------------------------------------------------------------------

    def check(self, condition, text):
        if condition:
            print(f"    ok: {text}", flush=True)
        else:
            print(f"    FAILED: {text}", flush=True)
            self.failures.append(text)
        return condition

    def call(self, instance, method, path, expect, **kwargs):
        kwargs.setdefault("timeout", 30)
        url = self.instances[instance] + path
        answer = self.requests.request(method, url, **kwargs)
        if answer.status_code == 503 and "Retry-After" in answer.headers:
            time.sleep(min(float(answer.headers["Retry-After"]), 5))
            answer = self.requests.request(method, url, **kwargs)
        if answer.status_code != expect:
            raise Failure(f"{method} {path} on instance {instance + 1} answered {answer.status_code}, expected {expect}: "
                          f"{answer.text[:300]}")
        return answer

    def hooks(self):
        return read_jsonl(self.config["hooksLog"])

    def requests_to(self, receiver, entries=None):
        return [e for e in (entries if entries is not None else self.hooks()) if e["receiver"] == receiver and e["kind"] == "request"]

    def wait_for_code(self, msisdn, timeout=60):
        want = "".join(ch for ch in msisdn if ch.isdigit())
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in read_jsonl(self.config["smscLog"]):
                if "".join(ch for ch in (line.get("destination") or "") if ch.isdigit()) == want and "activation" in line.get("text", ""):
                    words = [w.strip(".,:;") for w in line["text"].split()]
                    codes = [w for w in words if len(w) == 6 and w.isdigit()]
                    if codes:
                        return codes[0]
            time.sleep(0.2)
        raise Failure(f"no activation code for {msisdn} within {timeout} s")

    # --- steps -----------------------------------------------------------------------------------------------------

    def onboard(self, user):
        """Registration, SMS code, password and an API session, on instance 1."""
        started = self.call(0, "POST", "/api/v1/registrations", 202, json={
            "identifier": user["accountId"], "fullName": user["name"], "email": user["email"], "acceptTerms": True}).json()
        code = self.wait_for_code(user["msisdn"])
        self.call(0, "POST", f"/api/v1/registrations/{started['id']}/activation", 200, json={"code": code})
        password = "Hub delivery " + os.urandom(9).hex()
        self.call(0, "POST", f"/api/v1/registrations/{started['id']}/password", 201,
                  json={"password": password, "passwordConfirmation": password})
        token = self.call(0, "POST", "/api/v1/sessions", 201, json={"identifier": user["accountId"], "password": password}).json()["token"]
        user["headers"] = {"Authorization": f"Bearer {token}"}

    def subscribe(self, user, callback):
        answer = self.requests.post(self.instances[0] + "/api/v1/hub", headers=user["headers"], timeout=30,
                                    json={"callback": callback, "query": "eventType=CustomerBillCreateEvent"})
        created = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else {}
        if not self.check(answer.status_code == 201 and created.get("id") and created.get("secret"),
                          f"subscribe {callback}: 201 with id and secret (got {answer.status_code} {answer.text[:200]})"):
            raise Failure(f"subscription to {callback} refused")
        return created["id"]

    def deliveries(self, user, subscription):
        # Read from instance 2: the session and the deliveries are the database's, not one instance's.
        return self.call(1, "GET", f"/api/v1/hub/{subscription}/deliveries", 200, headers=user["headers"]).json()

    def run(self):
        config = self.config
        stalled_count = config["stalledSubscriptions"]
        login_a, login_b = config["users"]
        for user in (login_a, login_b):
            self.onboard(user)
        print(f"==> logins A ({login_a['accountId']}) and B ({login_b['accountId']}) registered and logged in", flush=True)

        slow_paths = [f"/s{i}" for i in range(stalled_count)]
        slow = {path: self.subscribe(login_a, f"https://{SLOW}:8443{path}") for path in slow_paths}
        good = self.subscribe(login_b, f"https://{GOOD}/events")
        rebind = self.subscribe(login_b, f"https://{REBIND}/events")
        over = self.requests.post(self.instances[0] + "/api/v1/hub", headers=login_a["headers"], timeout=30,
                                  json={"callback": f"https://{SLOW}:8443/s-extra", "query": "eventType=CustomerBillCreateEvent"})
        self.check(over.status_code == 409, f"an 11th subscription of login A is refused (409, got {over.status_code})")
        dns_before = read_jsonl(config["dnsLog"])
        rebind_a_at_subscription = sum(1 for q in dns_before if q["name"] == REBIND and q["type"] == "A")
        self.check(rebind_a_at_subscription == 1,
                   f"subscribing resolved {REBIND} once (A queries so far: {rebind_a_at_subscription})")
        before = [e for e in self.hooks() if e["kind"] in ("accept", "request")]
        self.check(not before, f"no receiver was contacted before the bill run ({len(before)} connections or requests)")

        print(f"==> bill-run --period {config['period']}", flush=True)
        started = time.time()
        result = subprocess.run(config["billRun"], capture_output=True, text=True, timeout=120)
        ended = time.time()
        if result.returncode != 0:
            raise Failure(f"bill-run failed ({result.returncode}): {result.stderr[-1000:]}")
        print(f"    bill run took {ended - started:.1f} s: {result.stdout.strip()[:300]}", flush=True)

        # Observe: the good receiver within 8 s while the stalled ones hold, then until every stalled event has been
        # tried a second time (10 s timeout + 30 s back-off) and a few seconds more, or the deadline.
        good_at = None
        deadline = ended + config["observeSeconds"]
        second_tries_at = None
        while time.time() < deadline:
            entries = self.hooks()
            if good_at is None:
                arrivals = self.requests_to("good", entries)
                if arrivals:
                    good_at = arrivals[0]["time"]
            by_path = defaultdict(list)
            for entry in self.requests_to("slow", entries):
                by_path[entry["path"]].append(entry)
            if second_tries_at is None and all(len(by_path[p]) >= 2 for p in slow_paths):
                second_tries_at = time.time()
            if second_tries_at is not None and time.time() - second_tries_at >= config["afterRetrySeconds"]:
                break
            time.sleep(0.1)
        observed_until = time.time()

        # Counted before and after the API is read: a try between the two would make the comparison meaningless.
        entries_before_api = self.hooks()
        api = {
            "slow": {path: self.deliveries(login_a, sub) for path, sub in slow.items()},
            "good": self.deliveries(login_b, good),
            "rebind": self.deliveries(login_b, rebind),
        }
        entries = self.hooks()
        dns = read_jsonl(config["dnsLog"])
        self.report(entries_before_api, entries, api, dns, ended, good_at, observed_until, slow_paths)

    # --- checks ------------------------------------------------------------------------------------------------------

    def report(self, entries_before_api, entries, api, dns, bill_run_end, good_at, observed_until, slow_paths):
        print(f"==> checks (observed {observed_until - bill_run_end:.1f} s after the bill run)", flush=True)
        requests_before_api = [e for e in entries_before_api if e["kind"] == "request"]
        requests_after_api = [e for e in entries if e["kind"] == "request"]
        self.check(len(requests_before_api) == len(requests_after_api),
                   f"no receiver got a request while the API was read ({len(requests_before_api)} then {len(requests_after_api)})")
        accepts = Counter(e["receiver"] for e in entries if e["kind"] == "accept")
        errors = [e for e in entries if e["kind"] == "error"]
        a_queries = Counter(q["name"] for q in dns if q["type"] == "A")
        answers = defaultdict(list)
        for q in dns:
            if q["type"] == "A":
                answers[q["name"]].append(q["answer"])

        print("  A. DNS rebinding", flush=True)
        rebind_requests = self.requests_to("rebind", entries)
        rebind_delivery = api["rebind"][0] if len(api["rebind"]) == 1 else {}
        self.check(a_queries[REBIND] == REBIND_PUBLIC_ANSWERS,
                   f"{REBIND} resolved exactly twice, at subscription and at delivery (A queries {a_queries[REBIND]}, "
                   f"answers {answers[REBIND]})")
        rebind_after = [q for q in dns if q["name"] == REBIND and q["type"] == "A" and q["time"] >= bill_run_end]
        self.check(len(rebind_after) == 1, f"the delivery resolved {REBIND} once, after the bill run ({len(rebind_after)})")
        self.check(accepts["loopback"] == 0, f"the receiver on 127.0.0.1:443 accepted no connection (accept() count {accepts['loopback']})")
        self.check(len(rebind_requests) == 1, f"the receiver on {PUBLIC_REBIND}:443 got the event once ({len(rebind_requests)})")
        if rebind_requests:
            got = rebind_requests[0]
            self.check(got["sni"] == REBIND and got["host"] == REBIND,
                       f"the call to {PUBLIC_REBIND} named {REBIND} in TLS and Host (SNI {got['sni']}, Host {got['host']})")
            self.check(got["webhookId"] == rebind_delivery.get("eventId") and got["signed"],
                       f"it carried the event id {rebind_delivery.get('eventId')} and a signature (webhook-id {got['webhookId']})")
        self.check(len(api["rebind"]) == 1 and rebind_delivery.get("status") == "delivered" and rebind_delivery.get("attempts") == 1
                   and rebind_delivery.get("lastStatusCode") == 200,
                   f"the API shows the rebinding subscription's delivery delivered at the first try ({self.brief(api['rebind'])})")

        print("  B. a stalled receiver delays nobody; no event is sent twice at once", flush=True)
        good_requests = self.requests_to("good", entries)
        good_delivery = api["good"][0] if len(api["good"]) == 1 else {}
        good_delay = good_at - bill_run_end if good_at is not None else None
        self.check(good_delay is not None and good_delay <= 8,
                   "the good receiver got its event within 8 s of the end of the bill run ("
                   + (f"{good_delay:.2f} s" if good_delay is not None else "never") + ")")
        self.check(len(good_requests) == 1 and good_requests[0]["webhookId"] == good_delivery.get("eventId"),
                   f"the good receiver got it once, with the API's event id ({len(good_requests)} requests)")
        self.check(len(api["good"]) == 1 and good_delivery.get("status") == "delivered" and good_delivery.get("attempts") == 1
                   and good_delivery.get("lastStatusCode") == 200,
                   f"the API shows the good delivery delivered at the first try ({self.brief(api['good'])})")

        slow_requests = self.requests_to("slow", entries)
        by_path = defaultdict(list)
        for entry in slow_requests:
            by_path[entry["path"]].append(entry)
        first = {p: by_path[p][0]["time"] - bill_run_end for p in slow_paths if by_path[p]}
        self.check(len(first) == len(slow_paths) and max(first.values()) <= 8,
                   f"all {len(slow_paths)} stalled receivers got their event within 8 s, each held by a lane of its own "
                   f"(latest {max(first.values()) if first else float('nan'):.2f} s)")
        if good_at is not None and first:
            held = sum(1 for p in slow_paths if by_path[p] and by_path[p][0]["time"] <= good_at
                       and good_at < by_path[p][0]["time"] + 10)
            self.figures.append(f"stalled calls open when the good event arrived: {held} of {len(slow_paths)}")

        gaps, per_event, mismatches = [], {}, []
        for path in slow_paths:
            delivered = api["slow"][path]
            arrivals = by_path[path]
            events = Counter(a["webhookId"] for a in arrivals)
            for event_id, count in events.items():
                times = sorted(a["time"] for a in arrivals if a["webhookId"] == event_id)
                gaps += [b - a for a, b in zip(times, times[1:])]
                per_event[(path, event_id)] = count
            if len(delivered) != 1:
                mismatches.append(f"{path}: the API lists {len(delivered)} deliveries, expected 1")
                continue
            d = delivered[0]
            # attempts counts a try when it is taken, before the call; the receiver records it when the request has
            # arrived. The two differ only while a try is being connected, which cannot be now: every try so far was
            # taken at least 30 s after the previous one timed out, and the next is due 30 s or more after the one
            # held now times out. So each receiver's count equals attempts exactly.
            if events.get(d["eventId"], 0) != d["attempts"] or set(events) != {d["eventId"]}:
                mismatches.append(f"{path}: receiver saw {dict(events)}, API attempts {d['attempts']} of {d['eventId']}")
            if d["status"] != "pending" or (d["attempts"] >= 2 and d.get("lastError") != "timeout"):
                mismatches.append(f"{path}: API status {d['status']}, lastError {d.get('lastError')}, attempts {d['attempts']}")
        retried = sum(1 for p in slow_paths if len(by_path[p]) >= 2)
        self.check(retried == len(slow_paths),
                   f"each stalled event was tried again after the timeout and the back-off ({retried} of {len(slow_paths)})")
        self.check(all(gap >= 25 for gap in gaps),
                   f"no event reached its callback twice within 25 s (smallest gap "
                   + (f"{min(gaps):.1f} s" if gaps else "none, one arrival each") + ")")
        self.check(not mismatches, "arrivals per stalled event equal the API's attempts, status pending, last error timeout"
                   + ("" if not mismatches else ": " + "; ".join(mismatches)))
        self.check(accepts["slow"] == len(slow_requests) and accepts["good"] == len(good_requests)
                   and accepts["rebind"] == len(rebind_requests),
                   f"one connection per request (accepts {dict(accepts)}, requests slow {len(slow_requests)}, "
                   f"good {len(good_requests)}, rebind {len(rebind_requests)})")
        total_attempts = sum(d["attempts"] for ds in api["slow"].values() for d in ds)
        since_bill_run = Counter(q["name"] for q in dns if q["type"] == "A" and q["time"] >= bill_run_end)
        self.check(since_bill_run[SLOW] == total_attempts and since_bill_run[GOOD] == 1,
                   f"each try resolved its name once ({SLOW}: {since_bill_run[SLOW]} A queries since the bill run for "
                   f"{total_attempts} tries; {GOOD}: {since_bill_run[GOOD]} for 1)")
        self.check(not errors, f"no receiver error ({errors[:3]})")

        closed = {}
        for entry in entries:
            if entry["receiver"] == "slow" and entry["kind"] == "closed":
                closed.setdefault(entry["path"], []).append(entry["time"])
        held_for = []
        for path in slow_paths:
            for arrival, end in zip((a["time"] for a in by_path[path]), closed.get(path, [])):
                held_for.append(end - arrival)
        if held_for:
            self.figures.append(f"a stalled call was given up (the portal closed TLS) {min(held_for):.1f}-{max(held_for):.1f} s "
                                f"after its request arrived ({len(held_for)} calls)")

        print("==> summary", flush=True)
        print(f"    time to the good event: " + (f"{good_delay:.2f} s" if good_delay is not None else "never"), flush=True)
        print(f"    stalled events: arrivals per event {sorted(Counter(per_event.values()).items())} (count: events); "
              f"gaps between tries " + (f"{min(gaps):.1f}-{max(gaps):.1f} s" if gaps else "none"), flush=True)
        print(f"    API attempts: {sorted(Counter(d['attempts'] for ds in api['slow'].values() for d in ds).items())}", flush=True)
        print(f"    A queries per name: {dict(sorted(a_queries.items()))}; {REBIND} answers {answers[REBIND]}", flush=True)
        print(f"    connections accepted: {dict(sorted(accepts.items()))} (loopback {accepts['loopback']})", flush=True)
        for figure in self.figures:
            print(f"    {figure}", flush=True)

    @staticmethod
    def brief(deliveries):
        return ", ".join(f"{d.get('status')} attempts {d.get('attempts')} code {d.get('lastStatusCode')} error {d.get('lastError')}"
                         for d in deliveries) or "no delivery"


def run(arguments):
    with open(arguments.config, encoding="utf-8") as file:
        config = json.load(file)
    checks = Run(config)
    try:
        checks.run()
    except Failure as error:
        checks.failures.append(str(error))
        print(f"    FAILED: {error}", flush=True)
    except Exception as error:  # a broken connection, an answer that is not JSON: reported like a failed check
        traceback.print_exc()
        checks.failures.append(f"{type(error).__name__}: {error}")
    if checks.failures:
        print(f"==> {len(checks.failures)} check(s) failed:", flush=True)
        for failure in checks.failures:
            print(f"    - {failure}", flush=True)
        return 1
    print("==> all checks passed", flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("peers")
    serve.add_argument("--dir", required=True)
    serve.add_argument("--cert", required=True)
    serve.add_argument("--key", required=True)
    check = commands.add_parser("run")
    check.add_argument("config")
    arguments = parser.parse_args()
    if arguments.command == "peers":
        peers(arguments)
        return 0
    return run(arguments)


if __name__ == "__main__":
    sys.exit(main())
