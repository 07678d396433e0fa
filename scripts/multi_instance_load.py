#!/usr/bin/env python3
"""Load and checks for scripts/multi-instance-test.sh: several portal instances behind nginx, one killed and restarted.

    python3 scripts/multi_instance_load.py CONFIG.json

CONFIG.json (written by the shell script) names the nginx address, the instances' direct ports, which instance is
killed, the control directory, the test SMSC's log and the mail relay's directory, psql and the database URL, the
users (Account IDs with their numbers on file) and a Client ID.

What it does, through nginx only (TLS, self-signed, not verified):
  1. every user registers through the JSON API (/api/v1/registrations; the activation code is read from the test
     SMSC's log, as the phone would), sets a password, logs in through the API (Bearer token) and through the login
     page (cookie session);
  2. each session is checked on every instance directly (a session made on one instance works on the others);
  3. for LOAD_SECONDS, each user loops over dashboards, bill lists, bill pages, bill documents (PDF and CSV, API and
     pages) and pays parts of bills by card through the sandbox gateway's hosted page (API and page forms, paid and
     declined cards); halfway it asks the shell script to `kill -9` one instance (control/kill-now), and the script
     restarts it a few seconds later (control/restarted);
  4. once the load is over: the sessions again on every instance (the restarted one included), then the checks.

A request that fails (5xx from nginx, a broken connection, a truncated body) is retried once. It is forgiven only when
it was in flight on the killed instance when it was killed and the retry succeeded; any other failure, or an answer
with an unexpected status, fails the run. The checks afterwards (PostgreSQL, the SMSC log, the relay's mail):
  - every payment the gateway took settled exactly once: status succeeded, one receipt, allocations adding up to its
    amount, each bill's paid amount the sum of its allocations; no payment succeeded that the load did not pay, and
    every payment it saw succeed is succeeded; one receipt SMS and one receipt e-mail per receipt;
  - every outbox message was handed to the SMSC or the relay at most once (SMS by the reference TLV carrying the
    message id, e-mail by Message-ID), and every message marked sent was handed over;
  - the client addresses in the audit trail are the users' own (X-Forwarded-For passed and trusted);
  - every instance answered requests, and the restarted one answered after its restart.
Prints a summary with counts; exits 1 when a check failed.
"""

import csv
import glob
import json
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from email import message_from_bytes
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import requests
import urllib3
from requests.adapters import HTTPAdapter

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

FAILURE_STATUSES = {500, 502, 504}


class SourceAddressAdapter(HTTPAdapter):
    """Connects from a given loopback address, so each user is a different client to nginx and the portal."""

    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class FormFields(HTMLParser):
    """The hidden inputs of a page (name -> value)."""

    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            attributes = dict(attrs)
            if attributes.get("name") and attributes.get("type") == "hidden":
                self.fields[attributes["name"]] = attributes.get("value") or ""


def hidden_fields(html):
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class Failure(Exception):
    pass


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []      # every attempt: dict
        self.problems = []      # unexpected outcomes (strings)
        self.counts = Counter()

    def add(self, entry):
        with self.lock:
            self.requests.append(entry)
            self.counts[entry["kind"]] += 1

    def problem(self, text):
        with self.lock:
            self.problems.append(text)
        print(f"    problem: {text}", flush=True)

    def count(self, name, amount=1):
        with self.lock:
            self.counts[name] += amount


class Load:
    def __init__(self, config):
        self.config = config
        self.base = config["baseUrl"]
        self.control = config["controlDir"]
        self.record = Recorder()
        self.deadline = None
        self.kill_requested = threading.Event()
        self.paid = []          # (payment id, {bill: cents}) the load saw succeed
        self.declined = []      # payment ids the load saw fail
        self.paid_lock = threading.Lock()
        self.sources_used = set()

    # --- HTTP with one retry ---------------------------------------------------------------------------------------

    def session_for(self, source):
        session = requests.Session()
        session.verify = False
        adapter = SourceAddressAdapter(source, pool_connections=4, pool_maxsize=4)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers["Accept-Language"] = "en"
        self.sources_used.add(source)
        return session

    def call(self, session, method, url, expect, kind, retry=True, **kwargs):
        """One request; a failure (5xx from the proxy, broken connection or body) is recorded and retried once."""
        url = url if url.startswith("http") else self.base + url
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        call_id = uuid.uuid4().hex
        for attempt in (1, 2):
            started = time.time()
            entry = {"call": call_id, "kind": kind, "method": method, "url": url, "start": started, "attempt": attempt}
            response = None
            try:
                response = session.request(method, url, **kwargs)
                _ = response.content
                entry["status"] = response.status_code
                entry["requestId"] = response.headers.get("X-Request-ID")
            except requests.RequestException as error:
                entry["status"] = None
                entry["error"] = f"{type(error).__name__}: {str(error)[:200]}"
            entry["end"] = time.time()
            busy = 0
            while entry.get("status") == 503 and response is not None and "Retry-After" in response.headers and busy < 5:
                # The password hash pool is full: the portal sheds load on purpose and says when to come back.
                busy += 1
                self.record.count("503 Retry-After (password hashing busy)")
                time.sleep(min(float(response.headers.get("Retry-After", "1")), 5))
                response = session.request(method, url, **kwargs)
                _ = response.content
                entry["status"] = response.status_code
                entry["end"] = time.time()
            failed = entry["status"] is None or entry["status"] in FAILURE_STATUSES
            entry["failed"] = failed
            self.record.add(entry)
            if not failed:
                if entry["status"] not in expect:
                    body = response.text[:300].replace("\n", " ") if response is not None else ""
                    self.record.problem(f"{method} {url} answered {entry['status']}, expected {sorted(expect)}: {body}")
                    raise Failure(f"{kind}: unexpected status {entry['status']}")
                return response
            if attempt == 1 and retry:
                self.record.count("retried")
                continue
            raise Failure(f"{kind}: {entry.get('error') or entry['status']} on {method} {url}")
        raise AssertionError("unreachable")

    # --- messages read where a phone or mailbox would -------------------------------------------------------------

    def sms_lines(self):
        try:
            with open(self.config["smscLog"], encoding="utf-8") as log:
                return [json.loads(line) for line in log if line.strip()]
        except FileNotFoundError:
            return []

    @staticmethod
    def digits(number):
        return re.sub(r"\D", "", number or "")

    def wait_for_code(self, msisdn, timeout=60):
        want = self.digits(msisdn)
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in self.sms_lines():
                if self.digits(line.get("destination")) == want and "activation" in line.get("text", ""):
                    found = re.search(r"\b(\d{6})\b", line["text"])
                    if found:
                        return found.group(1)
            time.sleep(0.2)
        raise Failure(f"no activation code for {msisdn} within {timeout} s")

    # --- one user --------------------------------------------------------------------------------------------------

    def onboard(self, user):
        session = self.session_for(user["source"])
        identifier = user["identifier"]
        started = self.call(session, "POST", "/api/v1/registrations", {202}, "register", json={
            "identifier": identifier, "fullName": user["name"], "email": user["email"], "acceptTerms": True}).json()
        code = self.wait_for_code(user["msisdn"])
        self.call(session, "POST", f"/api/v1/registrations/{started['id']}/activation", {200}, "activate", json={"code": code})
        user["password"] = "Load " + secrets.token_urlsafe(15)
        self.call(session, "POST", f"/api/v1/registrations/{started['id']}/password", {201}, "set password", json={
            "password": user["password"], "passwordConfirmation": user["password"]})
        login = self.call(session, "POST", "/api/v1/sessions", {201}, "api login",
                          json={"identifier": identifier, "password": user["password"]}).json()
        user["token"] = login["token"]
        page = self.call(session, "GET", "/login", {200}, "login page")
        csrf = hidden_fields(page.text).get("_csrf")
        if not csrf:
            raise Failure("no _csrf on /login")
        answer = self.call(session, "POST", "/login", {303}, "page login",
                           data={"identifier": identifier, "password": user["password"], "_csrf": csrf})
        if answer.headers.get("Location") != "/account":
            raise Failure(f"page login went to {answer.headers.get('Location')}")
        cookie = session.cookies.get("__Host-selfcare")
        if not cookie:
            raise Failure("no __Host-selfcare cookie after the page login (cookies: %s)" % session.cookies.keys())
        user["cookie"] = cookie
        user["session"] = session
        user["api"] = {"Authorization": f"Bearer {user['token']}"}

    def check_sessions_everywhere(self, users, label):
        """Each API token and page cookie, made through nginx on whichever instance, on every instance directly."""
        checked = 0
        for user in users:
            for instance in self.config["instances"]:
                direct = f"http://127.0.0.1:{instance['port']}"
                session = requests.Session()
                for path, headers in (("/api/v1/billingAccount", user["api"]),
                                      ("/account", {"Cookie": f"__Host-selfcare={user['cookie']}"})):
                    try:
                        answer = session.get(direct + path, headers=headers, timeout=30, allow_redirects=False)
                        status = answer.status_code
                    except requests.RequestException as error:
                        status = f"{type(error).__name__}"
                    checked += 1
                    if status != 200:
                        self.record.problem(f"{label}: session of {user['identifier']} on {instance['name']} "
                                            f"(port {instance['port']}) {path}: {status}")
        self.record.count(f"session checks on each instance ({label})", checked)

    # --- what a user does ------------------------------------------------------------------------------------------

    def browse(self, user):
        s, api = user["session"], user["api"]
        if user.get("isClient"):
            groups = self.call(s, "GET", "/api/v1/groupBill", {200}, "api group bills", headers=api).json()
            if groups:
                number = groups[0]["id"]
                user["billNo"] = number
                self.call(s, "GET", f"/api/v1/groupBill/{number}", {200}, "api group bill", headers=api)
                csv_doc = self.call(s, "GET", f"/api/v1/groupBill/{number}/document?format=csv", {200}, "api group bill csv", headers=api)
                self.expect_document(csv_doc, "csv", f"group bill {number}")
                self.call(s, "GET", "/group-bills", {200}, "page group bills")
                self.call(s, "GET", f"/group-bills/{number}", {200}, "page group bill")
            self.call(s, "GET", "/account", {200}, "page dashboard")
            return
        account = user["accountId"]
        self.call(s, "GET", "/api/v1/billingAccount", {200}, "api billing accounts", headers=api)
        self.call(s, "GET", f"/api/v1/usageSummary?billingAccount.id={account}", {200}, "api usage summary", headers=api)
        bills = self.call(s, "GET", "/api/v1/customerBill", {200}, "api bills", headers=api).json()
        if not bills:
            raise Failure(f"no bills for {account}")
        bill = bills[0]["id"]
        user["billNo"] = bill
        self.call(s, "GET", f"/api/v1/customerBill/{bill}", {200}, "api bill", headers=api)
        fmt = random.choice(["pdf", "csv"])
        document = self.call(s, "GET", f"/api/v1/customerBill/{bill}/document?format={fmt}", {200}, f"api bill {fmt}", headers=api)
        self.expect_document(document, fmt, bill)
        self.call(s, "GET", "/account", {200}, "page dashboard")
        self.call(s, "GET", f"/accounts/{account}/bills", {200}, "page bills")
        self.call(s, "GET", f"/bills/{bill}", {200}, "page bill")
        fmt = random.choice(["pdf", "csv"])
        document = self.call(s, "GET", f"/bills/{bill}/document?format={fmt}", {200}, f"page bill {fmt}")
        self.expect_document(document, fmt, bill)
        self.call(s, "GET", f"/accounts/{account}/usage", {200}, "page usage")

    def expect_document(self, response, fmt, what):
        body = response.content
        if fmt == "pdf":
            if not (body.startswith(b"%PDF-") and b"%%EOF" in body[-64:]):
                self.record.problem(f"{what}: PDF incomplete ({len(body)} bytes)")
        elif not body or b"\n" not in body:
            self.record.problem(f"{what}: CSV empty")
        self.record.count(f"{fmt} documents", 1)

    def pay(self, user, cents, card, through_page):
        """One card payment of part of the user's bill (or group bill) through the sandbox gateway's hosted page."""
        s, api = user["session"], user["api"]
        number = user["billNo"]
        amount = f"{cents // 100}.{cents % 100:02d}"
        if through_page:
            page_path = f"/group-bills/{number}" if user.get("isClient") else f"/bills/{number}"
            page = self.call(s, "GET", page_path, {200}, "page bill (pay form)")
            fields = hidden_fields(page.text)
            form = {"_csrf": fields.get("_csrf", ""), "idempotencyKey": fields.get("idempotencyKey", ""),
                    f"pay_{number}": "on", f"amount_{number}": amount}
            # A form resent with the same idempotency key is the same payment, so the retry is safe.
            answer = self.call(s, "POST", "/payments", {303}, "page pay", data=form)
            card_page = answer.headers["Location"]
            payment_id = None
        else:
            key = str(uuid.uuid4())
            answer = self.call(s, "POST", "/api/v1/payment", {201}, "api pay", headers={**api, "Idempotency-Key": key},
                               json={"bills": [{"id": number, "amount": amount}], "returnUrl": self.base + "/account"})
            created = answer.json()
            payment_id, card_page = created["id"], created["redirectUrl"]
            # The same request again with the same key is the same payment, never a second checkout.
            again = self.call(s, "POST", "/api/v1/payment", {201}, "api pay (repeated)", headers={**api, "Idempotency-Key": key},
                              json={"bills": [{"id": number, "amount": amount}], "returnUrl": self.base + "/account"}).json()
            if again["id"] != payment_id:
                self.record.problem(f"repeated payment request with key {key} made a second payment {again['id']} (first {payment_id})")
        if not card_page.startswith(self.config["gatewayUrl"]):
            raise Failure(f"payment sent the browser to {card_page}, not the gateway")
        self.call(s, "GET", card_page, {200}, "gateway card page")
        submitted = self.call(s, "POST", card_page, {303}, "gateway card form", data={
            "cardholder_name": user["name"], "card_number": card, "exp_month": "12", "exp_year": "2030", "cvc": "123"})
        back = submitted.headers["Location"]
        if not back.startswith(self.base):
            raise Failure(f"the gateway sent the browser back to {back}")
        returned = self.call(s, "GET", back, {303}, "payment return")
        if payment_id is None:
            found = re.search(r"/payments/([^/?]+)", back)
            payment_id = found.group(1) if found else None
            self.call(s, "GET", returned.headers["Location"], {200}, "page payment")
        paid = card == "4242424242424242"
        outcome = None
        for _ in range(60):
            outcome = self.call(s, "GET", f"/api/v1/payment/{payment_id}", {200}, "api payment", headers=api).json()
            if outcome["status"] != "pending":
                break
            time.sleep(0.25)
        expected = "succeeded" if paid else "failed"
        if outcome["status"] != expected:
            self.record.problem(f"payment {payment_id} ({'page' if through_page else 'api'}, card {card[-4:]}) is "
                                f"{outcome['status']}, expected {expected}")
            return
        with self.paid_lock:
            if paid:
                self.paid.append((payment_id, cents))
            else:
                self.declined.append(payment_id)
        self.record.count("payments succeeded" if paid else "payments declined")
        if paid:
            receipt = self.call(s, "GET", f"/api/v1/payment/{payment_id}/receipt", {200}, "api receipt pdf", headers=api)
            self.expect_document(receipt, "pdf", f"receipt of {payment_id}")

    def run_user(self, user, index):
        cycle = 0
        payments = 0
        try:
            while time.time() < self.deadline:
                self.browse(user)
                cycle += 1
                if cycle % 2 == 1 and payments < 4:
                    card = "4000000000000002" if payments == 2 else "4242424242424242"
                    self.pay(user, cents=100 + 37 * index + payments, card=card, through_page=(payments == 1))
                    payments += 1
        except Failure as error:
            self.record.problem(f"user {user['identifier']}: {error}")

    # --- the run ---------------------------------------------------------------------------------------------------

    def run(self):
        users = self.config["users"]
        load_seconds = self.config["loadSeconds"]
        print(f"==> onboarding {len(users)} logins through nginx (register, SMS code, password, API and page login)", flush=True)
        started = time.time()
        self.parallel(users, self.onboard_safely)
        ready = [u for u in users if "session" in u]
        print(f"==> {len(ready)} of {len(users)} logins ready in {time.time() - started:.1f} s", flush=True)
        if not ready:
            return
        self.check_sessions_everywhere(ready, "before the kill")

        self.deadline = time.time() + load_seconds
        kill_at = time.time() + load_seconds / 2
        print(f"==> load for {load_seconds} s; instance {self.config['killed']} is killed at half time", flush=True)
        threads = [threading.Thread(target=self.run_user, args=(user, i)) for i, user in enumerate(ready)]
        for thread in threads:
            thread.start()
        while time.time() < kill_at:
            time.sleep(0.1)
        # A few logins (each a second or more of password hashing) are sent just before the kill, so that some POSTs
        # are likely in flight on the killed instance: nginx must not resend those, and the client's one retry must work.
        storm = [threading.Thread(target=self.login_at_kill_time, args=(user,)) for user in ready[:4]]
        for thread in storm:
            thread.start()
        time.sleep(0.4)
        with open(os.path.join(self.control, "kill-now"), "w") as flag:
            flag.write(str(time.time()))
        for thread in threads + storm:
            thread.join()
        restarted_at = self.wait_for_file("restarted", 90)
        self.check_sessions_everywhere(ready, "after the restart")
        # nginx tries a failed instance again after fail_timeout (5 s): the load goes on until the restarted instance
        # has answered a few requests through nginx, for at most 30 s.
        port = str(self.config["instances"][self.config["killed"] - 1]["port"])
        self.deadline = time.time() + 30
        stop = threading.Event()

        def browse_until_back(user):
            while not stop.is_set() and time.time() < self.deadline:
                try:
                    self.browse(user)
                except Failure as error:
                    self.record.problem(f"after the restart: {error}")
                    return

        threads = [threading.Thread(target=browse_until_back, args=(user,)) for user in ready]
        for thread in threads:
            thread.start()
        while time.time() < self.deadline and self.answers_from(port, since=restarted_at) < 10:
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()

    def answers_from(self, port, since):
        count = 0
        try:
            with open(self.config["accessLog"], encoding="utf-8") as log:
                for line in log:
                    found = re.search(r"upstream=(\S+) upstream_status=(\d+) .* msec=([\d.]+)", line)
                    if found and found.group(1).endswith(":" + port) and float(found.group(3)) > since and found.group(2) < "400":
                        count += 1
        except FileNotFoundError:
            pass
        return count

    def login_at_kill_time(self, user):
        try:
            self.call(self.session_for(user["source"]), "POST", "/api/v1/sessions", {201}, "api login at kill time",
                      json={"identifier": user["identifier"], "password": user["password"]})
        except Failure as error:
            self.record.problem(f"login at kill time for {user['identifier']}: {error}")

    def onboard_safely(self, user):
        try:
            self.onboard(user)
        except Failure as error:
            self.record.problem(f"onboarding {user['identifier']}: {error}")

    @staticmethod
    def parallel(items, function):
        threads = [threading.Thread(target=function, args=(item,)) for item in items]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def wait_for_file(self, name, timeout):
        path = os.path.join(self.control, name)
        deadline = time.time() + timeout
        while not os.path.exists(path):
            if time.time() > deadline:
                raise SystemExit(f"control file {name} did not appear within {timeout} s")
            time.sleep(0.1)
        with open(path) as f:
            return float(f.read().strip())


# --- checks afterwards -----------------------------------------------------------------------------------------------

class Checks:
    def __init__(self, config, load):
        self.config = config
        self.load = load
        self.failed = []
        self.summary = []

    def psql(self, sql):
        result = subprocess.run([self.config["psql"], "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                                 self.config["databaseUrl"], "-c", sql], capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"psql failed: {result.stderr}")
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def check(self, condition, text):
        print(f"    {'ok  ' if condition else 'FAIL'} {text}", flush=True)
        if not condition:
            self.failed.append(text)

    def requests_and_failures(self, killed_at, restarted_at):
        entries = self.load.record.requests
        killed_port = str(self.config["instances"][self.config["killed"] - 1]["port"])
        upstream_of = self.access_log_upstreams()
        forgiven, unforgiven = [], []
        for entry in entries:
            if not entry["failed"]:
                continue
            in_flight = entry["start"] <= killed_at + 0.05 and entry["end"] >= killed_at - 0.05
            upstream = upstream_of.get(entry.get("requestId") or "", "")
            on_killed = (not upstream) or killed_port in upstream
            retry_ok = entry["attempt"] == 1 and any(
                e["call"] == entry["call"] and e["attempt"] == 2 and not e["failed"] for e in entries)
            if in_flight and on_killed and retry_ok:
                forgiven.append(entry)
            else:
                unforgiven.append(entry)
        return entries, forgiven, unforgiven

    def access_log_upstreams(self):
        upstreams = {}
        self.access_lines = []
        try:
            with open(self.config["accessLog"], encoding="utf-8") as log:
                for line in log:
                    found = re.search(r'"(\S+) (\S+) [^"]*" (\d{3}) .* upstream=(\S*) upstream_status=(\S*) .* id=(\w+) msec=([\d.]+)', line)
                    if found:
                        method, path, status, upstream, upstream_status, request_id, msec = found.groups()
                        upstreams[request_id] = upstream
                        self.access_lines.append((float(msec), int(status), upstream, upstream_status, path))
        except FileNotFoundError:
            pass
        return upstreams

    def run(self):
        control = self.config["controlDir"]
        killed_at = float(open(os.path.join(control, "killed")).read())
        restarted_at = float(open(os.path.join(control, "restarted")).read())
        record = self.load.record
        print("==> checks", flush=True)

        entries, forgiven, unforgiven = self.requests_and_failures(killed_at, restarted_at)
        first_tries = [e for e in entries if e["attempt"] == 1]
        self.summary.append(f"requests through nginx: {len(first_tries)} (+{len(entries) - len(first_tries)} retries); "
                            f"failed and forgiven (in flight on the killed instance, retry succeeded): {len(forgiven)}")
        durations = sorted((e["end"] - e["start"]) * 1000 for e in entries if e.get("status") and not e["failed"])
        if durations:
            def percentile(share):
                return durations[min(len(durations) - 1, int(share * len(durations)))]
            self.summary.append(f"latency of answered requests: p50 {percentile(0.50):.0f} ms, p99 {percentile(0.99):.0f} ms, "
                                f"max {durations[-1]:.0f} ms")
        for entry in forgiven:
            print(f"    forgiven: {entry['method']} {urlparse(entry['url']).path} -> {entry.get('status') or entry.get('error')}"
                  f" ({entry['start'] - killed_at:+.2f} s .. {entry['end'] - killed_at:+.2f} s around the kill)")
        for entry in unforgiven:
            print(f"    unforgiven: {entry['method']} {entry['url']} attempt {entry['attempt']} -> "
                  f"{entry.get('status') or entry.get('error')} at {entry['start'] - killed_at:+.2f} s from the kill")
        self.check(not unforgiven, f"no request failed but those in flight on the killed instance ({len(unforgiven)} others failed)")
        self.check(not record.problems, f"no unexpected answer ({len(record.problems)} problems)")
        for problem in record.problems[:20]:
            print(f"      {problem}")

        ready = [u for u in self.config["users"] if "session" in u]
        self.check(len(ready) == len(self.config["users"]), f"every login was created ({len(ready)} of {len(self.config['users'])})")

        # Instances seen through nginx (access log), and the restarted one after its restart.
        by_instance = Counter()
        after_restart = 0
        killed_port = str(self.config["instances"][self.config["killed"] - 1]["port"])
        for msec, status, upstream, upstream_status, path in self.access_lines:
            last = upstream.split(",")[-1].strip()
            if last and last != "-":
                by_instance[last.rsplit(":", 1)[-1]] += 1
            if msec > restarted_at and last.endswith(":" + killed_port) and upstream_status.split(",")[-1].strip().startswith(("2", "3")):
                after_restart += 1
        webhooks = Counter(status for msec, status, upstream, upstream_status, path in self.access_lines if path == "/webhooks/gateway")
        self.summary.append("gateway webhooks through nginx: " + (", ".join(f"{k} x{v}" for k, v in sorted(webhooks.items())) or "none"))
        self.check(all(status == 204 for status in webhooks), "every gateway webhook was accepted (204)")
        shares = ", ".join(f"{i['name']} {by_instance.get(str(i['port']), 0)}" for i in self.config["instances"])
        self.summary.append(f"answers by instance (nginx access log): {shares}")
        self.check(all(by_instance.get(str(i["port"]), 0) > 0 for i in self.config["instances"]), "every instance answered through nginx")
        self.check(after_restart > 0, f"the restarted instance answered through nginx after its restart ({after_restart} requests)")

        self.check_payments()
        self.check_outbox()
        self.check_client_addresses()
        return not self.failed

    def check_payments(self):
        statuses = dict((row[0], int(row[1])) for row in self.psql("SELECT status, count(*) FROM payments GROUP BY status"))
        self.summary.append("payments in the database: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
        succeeded_db = {row[0]: int(row[1]) for row in self.psql("SELECT id, amount_cents FROM payments WHERE status = 'succeeded'")}
        seen = dict(self.load.paid)
        self.check(set(succeeded_db) == set(seen),
                   f"the payments that succeeded are exactly those the load paid ({len(succeeded_db)} in the database, {len(seen)} paid)")
        wrong_amount = [p for p, cents in seen.items() if p in succeeded_db and succeeded_db[p] != cents]
        self.check(not wrong_amount, f"each succeeded payment has the amount asked ({wrong_amount[:5]})")
        receipts = self.psql("""
            SELECT p.id, count(r.id) FROM payments p LEFT JOIN receipts r ON r.payment_id = p.id
            WHERE p.status = 'succeeded' GROUP BY p.id HAVING count(r.id) <> 1""")
        self.check(not receipts, f"every succeeded payment has exactly one receipt ({receipts[:5]})")
        stray = self.psql("SELECT count(*) FROM receipts r JOIN payments p ON p.id = r.payment_id WHERE p.status <> 'succeeded'")
        self.check(stray[0][0] == "0", "no receipt for a payment that did not succeed")
        unbalanced = self.psql("""
            SELECT p.id, p.amount_cents, coalesce(a.total, 0) + coalesce(c.total, 0)
            FROM payments p
            LEFT JOIN (SELECT payment_id, sum(amount_cents) AS total FROM payment_allocations GROUP BY payment_id) a ON a.payment_id = p.id
            LEFT JOIN (SELECT payment_id, sum(amount_cents) AS total FROM account_credits GROUP BY payment_id) c ON c.payment_id = p.id
            WHERE (p.status = 'succeeded' AND p.amount_cents <> coalesce(a.total, 0) + coalesce(c.total, 0))
               OR (p.status <> 'succeeded' AND coalesce(a.total, 0) + coalesce(c.total, 0) <> 0)""")
        self.check(not unbalanced, f"each payment settled exactly once: allocations add up to its amount ({unbalanced[:5]})")
        bills = self.psql("""
            SELECT b.bill_no, b.paid_cents, coalesce(a.total, 0), b.total_cents FROM bills b
            LEFT JOIN (SELECT bill_id, sum(amount_cents) AS total FROM payment_allocations GROUP BY bill_id) a ON a.bill_id = b.id
            WHERE b.paid_cents <> coalesce(a.total, 0) OR b.paid_cents > b.total_cents""")
        self.check(not bills, f"each bill's paid amount is the sum of its allocations ({bills[:5]})")
        messages = self.psql("""
            SELECT r.receipt_no, count(*) FILTER (WHERE o.channel = 'sms'), count(*) FILTER (WHERE o.channel = 'email')
            FROM receipts r LEFT JOIN outbox_messages o ON o.purpose = 'receipt' AND o.body LIKE '%' || r.receipt_no || '%'
            GROUP BY r.receipt_no""")
        wrong = [m for m in messages if m[1] != "1" or m[2] != "1"]
        self.check(not wrong, f"one receipt SMS and one receipt e-mail per receipt ({len(messages)} receipts; wrong: {wrong[:5]})")
        self.summary.append(f"payments by the load: {len(seen)} succeeded, {len(self.load.declined)} declined; "
                            f"receipts: {len(messages)}")

    def check_outbox(self):
        # Let the instances hand over what is still queued (the bill run's SMS, the last receipts).
        deadline = time.time() + 30
        while time.time() < deadline:
            queued = int(self.psql("SELECT count(*) FROM outbox_messages WHERE status = 'queued'")[0][0])
            if queued == 0:
                break
            time.sleep(0.5)
        rows = self.psql("SELECT message_id, channel, status, purpose FROM outbox_messages")
        status_counts = Counter(row[2] for row in rows)
        handed_sms = Counter(line.get("reference") for line in self.load.sms_lines())
        handed_mail = Counter()
        for path in glob.glob(os.path.join(self.config["maildir"], "*.eml")):
            with open(path, "rb") as f:
                message = message_from_bytes(f.read())
            handed_mail[(message.get("Message-ID") or "").strip().strip("<>").split("@")[0]] += 1
        twice, missing, unknown = [], [], []
        ids = set()
        for message_id, channel, status, purpose in rows:
            ids.add(message_id)
            count = handed_sms[message_id] if channel == "sms" else handed_mail[message_id]
            if count > 1:
                twice.append((message_id, channel, purpose, count))
            if status in ("sent", "delivered") and count == 0:
                missing.append((message_id, channel, purpose, status))
        unknown = [r for r in handed_sms if r not in ids] + [m for m in handed_mail if m not in ids]
        self.summary.append("outbox messages: " + ", ".join(f"{k} {v}" for k, v in sorted(status_counts.items()))
                            + f"; handed over: {sum(handed_sms.values())} SMS, {sum(handed_mail.values())} e-mails")
        self.check(not twice, f"every outbox message was handed over at most once ({twice[:5]})")
        self.check(not missing, f"every message marked sent reached the SMSC or relay ({missing[:5]})")
        self.check(not unknown, f"nothing reached the SMSC or relay that the outbox does not know ({unknown[:5]})")
        stuck = [r for r in rows if r[2] in ("queued", "sending")]
        if stuck:
            print(f"    note: {len(stuck)} messages not handed over yet: " + ", ".join(f"{r[3]}/{r[1]} {r[2]}" for r in stuck[:10]))
            self.summary.append(f"messages still queued or claimed at the end: {len(stuck)}")
        claimed = [r for r in rows if r[2] == "sending"]
        queued = [r for r in rows if r[2] == "queued"]
        self.check(not queued, f"no message left queued ({len(queued)})")
        if claimed:
            print(f"    note: {len(claimed)} messages claimed by the killed instance wait for their lease (5 minutes) to run out")

    def check_client_addresses(self):
        addresses = {row[0] for row in self.psql("SELECT DISTINCT client_address FROM audit_events WHERE client_address IS NOT NULL")}
        sources = {u["source"] for u in self.config["users"]}
        self.check(sources <= addresses, f"the audit trail names each user's own address, passed on by nginx "
                                         f"({len(sources & addresses)} of {len(sources)}; "
                                         f"other addresses: {sorted(addresses - sources)[:5]})")


def main():
    config = json.load(open(sys.argv[1]))
    started = time.time()
    load = Load(config)
    load.run()
    checks = Checks(config, load)
    ok = checks.run()
    counts = load.record.counts
    print("==> summary")
    for line in checks.summary:
        print(f"    {line}")
    busy = counts.get("503 Retry-After (password hashing busy)", 0)
    documents = counts.get("pdf documents", 0) + counts.get("csv documents", 0)
    print(f"    documents checked: {documents} (PDF {counts.get('pdf documents', 0)}, CSV {counts.get('csv documents', 0)}); "
          f"503 with Retry-After: {busy}; load time {time.time() - started:.1f} s")
    if not ok:
        print(f"==> FAILED: {len(checks.failed)} checks")
        sys.exit(1)
    print("==> all checks passed")


if __name__ == "__main__":
    main()
