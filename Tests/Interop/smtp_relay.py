#!/usr/bin/env python3
"""A mail relay for the integration tests, built on aiosmtpd (pip install aiosmtpd).

Usage:
    python3 Tests/Interop/smtp_relay.py --host 127.0.0.1 --port 0 --maildir DIR
        [--tls-cert FILE --tls-key FILE] [--require-starttls] [--auth user:password]

With --port 0 a free port is chosen. Once listening, the relay prints exactly
`listening <port>` on stdout and runs until SIGTERM or SIGINT.

Each accepted message is stored, byte for byte as received after dot-unstuffing,
as DIR/<n>.eml (written under a temporary name, then renamed, so a reader never
sees half a file; n goes on from the highest number already in DIR), and then
one JSON line is appended to DIR/index.jsonl:
    {"file": "<n>.eml", "mail_from": ..., "rcpt_tos": [...],
     "tls": true when the session went through STARTTLS, "auth": user name or null}

Options:
  --tls-cert/--tls-key  offer STARTTLS with this certificate;
  --require-starttls    refuse everything but EHLO/HELO/NOOP/QUIT/STARTTLS before it;
  --auth user:password  offer AUTH PLAIN and LOGIN, on plain connections too, and
                        require it before MAIL; only this user and password pass.

Behaviours by recipient local part, decided at RCPT TO:
  down<N>-...@...      421 4.3.0 for the first N RCPT TO of that exact address
                       (counted over the relay's lifetime), after which the relay
                       closes the connection, as a 421 means; accepted afterwards;
  tempfail<N>-...@...  451 4.3.0 for the first N RCPT TO of that exact address;
  reject-...@...       550 5.1.1 always;
  anything else        accepted.
"""

import argparse
import json
import logging
import os
import re
import signal
import socket
import ssl
import sys
import threading
import warnings
from collections import Counter

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

DOWN = re.compile(r"^down(\d+)-", re.IGNORECASE)
TEMPFAIL = re.compile(r"^tempfail(\d+)-", re.IGNORECASE)
REJECT = re.compile(r"^reject-", re.IGNORECASE)


class Relay:
    """The aiosmtpd handler: decides at RCPT TO, stores at DATA."""

    def __init__(self, maildir: str):
        self.maildir = maildir
        os.makedirs(maildir, exist_ok=True)
        numbers = [int(name[:-4]) for name in os.listdir(maildir) if re.fullmatch(r"\d+\.eml", name)]
        self.last_number = max(numbers, default=0)
        self.attempts = Counter()  # RCPT TO attempts per address, for down<N>/tempfail<N>
        # aiosmtpd calls the handler from its event-loop thread only; the lock is cheap insurance.
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local_part = address.rpartition("@")[0]
        with self.lock:
            self.attempts[address] += 1
            attempt = self.attempts[address]
        down = DOWN.match(local_part)
        if down and attempt <= int(down.group(1)):
            # 421 means the server closes the channel (RFC 5321, 3.8). aiosmtpd sends the
            # reply after this returns, in the same turn of the loop, so closing on the
            # next turn lets the reply out first.
            server.loop.call_soon(server.transport.close)
            return "421 4.3.0 Service not available, try later"
        tempfail = TEMPFAIL.match(local_part)
        if tempfail and attempt <= int(tempfail.group(1)):
            return "451 4.3.0 Try again later"
        if REJECT.match(local_part):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content
        if content is None:
            content = envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", errors="surrogateescape")
        with self.lock:
            self.last_number += 1
            name = f"{self.last_number}.eml"
            temporary = os.path.join(self.maildir, f".{name}.tmp")
            with open(temporary, "wb") as f:
                f.write(content)
            os.replace(temporary, os.path.join(self.maildir, name))
            entry = {
                "file": name,
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "tls": session.ssl is not None,
                "auth": session.auth_data if session.authenticated else None,
            }
            # The index line comes after the rename, so every line names a whole file.
            with open(os.path.join(self.maildir, "index.jsonl"), "a", encoding="utf-8") as index:
                index.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return "250 OK"


def authenticator_for(user: str, password: str):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if (isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode() and auth_data.password == password.encode()):
            return AuthResult(success=True, auth_data=user)
        # handled=False makes aiosmtpd send its 535; with the default (True) it sends nothing.
        return AuthResult(success=False, handled=False)
    return authenticate


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description="SMTP relay for the integration tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    arguments = parser.parse_args()
    if bool(arguments.tls_cert) != bool(arguments.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if arguments.require_starttls and not arguments.tls_cert:
        parser.error("--require-starttls needs --tls-cert and --tls-key")

    # aiosmtpd warns on every connection when AUTH is allowed without TLS, which is
    # what these tests want; keep stderr for real errors.
    warnings.filterwarnings("ignore", module="aiosmtpd")
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    options = {
        # Without a hostname aiosmtpd calls socket.getfqdn(), which can wait on DNS.
        "server_hostname": "localhost",
    }
    if arguments.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
        # tls_context (not ssl_context) is what makes aiosmtpd offer STARTTLS;
        # ssl_context would wrap the whole connection in TLS from the start.
        options["tls_context"] = context
        options["require_starttls"] = arguments.require_starttls
    if arguments.auth:
        user, _, password = arguments.auth.partition(":")
        options["authenticator"] = authenticator_for(user, password)
        options["auth_required"] = True
        options["auth_require_tls"] = False

    port = arguments.port or free_port(arguments.host)
    controller = Controller(Relay(arguments.maildir), hostname=arguments.host, port=port, **options)
    controller.start()

    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    print(f"listening {port}", flush=True)
    while not stop.wait(1):
        pass
    controller.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
