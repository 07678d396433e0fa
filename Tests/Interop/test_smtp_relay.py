#!/usr/bin/env python3
"""Sanity test of Tests/Interop/smtp_relay.py with the standard library's smtplib as client.

Usage: python3 Tests/Interop/test_smtp_relay.py    (needs aiosmtpd for the relay and the openssl command)
"""

import json
import os
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORKDIR = tempfile.mkdtemp(prefix="smtp-relay-test-")


class Relay:
    """The relay running as a subprocess, with its own maildir."""

    count = 0

    def __init__(self, *options, maildir=None):
        Relay.count += 1
        self.maildir = maildir or os.path.join(WORKDIR, f"maildir{Relay.count}")
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "smtp_relay.py"), "--host", "127.0.0.1", "--port", "0",
             "--maildir", self.maildir, *options], stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("listening "), line
        self.port = int(line.split()[1])

    def client(self):
        return smtplib.SMTP("127.0.0.1", self.port, timeout=10)

    def index(self):
        path = os.path.join(self.maildir, "index.jsonl")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def message(self, name):
        with open(os.path.join(self.maildir, name), "rb") as f:
            return f.read()

    def stop(self):
        self.process.terminate()
        assert self.process.wait(timeout=15) == 0, "the relay should exit cleanly on SIGTERM"


MESSAGE = (
    b"From: portal@selfcare.test\r\n"
    b"To: someone@example.com\r\n"
    b"Subject: =?utf-8?q?Votre_facture?=\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Bonjour,\r\n"
    b".a line that starts with a dot\r\n"
    b"..and one with two\r\n"
    b"Montant : 12,50 \xe2\x82\xac\r\n"
)


def refused_code(error):
    """The reply code of the single refused recipient in an SMTPRecipientsRefused."""
    assert isinstance(error, smtplib.SMTPRecipientsRefused), error
    (code, _), = error.recipients.values()
    return code


def try_send(relay, recipient):
    try:
        with relay.client() as smtp:
            smtp.sendmail("portal@selfcare.test", [recipient], MESSAGE)
        return 250
    except smtplib.SMTPRecipientsRefused as error:
        return refused_code(error)


def check_plain():
    relay = Relay()
    try:
        with relay.client() as smtp:
            smtp.ehlo()
            assert not smtp.has_extn("starttls") and not smtp.has_extn("auth")
            refused = smtp.sendmail("portal@selfcare.test", ["someone@example.com", "reject-me@example.com"], MESSAGE)
            assert refused == {"reject-me@example.com": (550, b"5.1.1 No such user")}, refused
        entry, = relay.index()
        assert entry == {"file": "1.eml", "mail_from": "portal@selfcare.test", "rcpt_tos": ["someone@example.com"],
                         "tls": False, "auth": None}, entry
        # smtplib dot-stuffs, the relay unstuffs: the bytes come back as given.
        assert relay.message("1.eml") == MESSAGE, relay.message("1.eml")

        # down2: 421 twice for that exact address, then accepted; other addresses have their own count.
        assert try_send(relay, "down2-a@example.com") == 421
        assert try_send(relay, "down2-b@example.com") == 421
        assert try_send(relay, "down2-a@example.com") == 421
        assert try_send(relay, "down2-a@example.com") == 250
        assert try_send(relay, "down2-a@example.com") == 250
        assert try_send(relay, "down2-b@example.com") == 421
        assert try_send(relay, "down2-b@example.com") == 250

        # After its 421 the relay closes the connection.
        with socket.create_connection(("127.0.0.1", relay.port), timeout=10) as raw:
            reader = raw.makefile("rb")
            assert reader.readline().startswith(b"220")
            raw.sendall(b"HELO client\r\n")
            assert reader.readline().startswith(b"250")
            raw.sendall(b"MAIL FROM:<portal@selfcare.test>\r\n")
            assert reader.readline().startswith(b"250")
            raw.sendall(b"RCPT TO:<down1-raw@example.com>\r\n")
            assert reader.readline() == b"421 4.3.0 Service not available, try later\r\n"
            assert reader.readline() == b""

        # tempfail1: 451 once, then accepted, on the same connection.
        with relay.client() as smtp:
            try:
                smtp.sendmail("portal@selfcare.test", ["tempfail1-x@example.com"], MESSAGE)
                raise AssertionError("the first attempt should fail")
            except smtplib.SMTPRecipientsRefused as error:
                assert error.recipients == {"tempfail1-x@example.com": (451, b"4.3.0 Try again later")}
            smtp.rset()
            assert smtp.sendmail("portal@selfcare.test", ["tempfail1-x@example.com"], MESSAGE) == {}

        # reject: always.
        assert try_send(relay, "reject-x@example.com") == 550
        assert try_send(relay, "reject-x@example.com") == 550

        files = [entry["file"] for entry in relay.index()]
        assert files == ["1.eml", "2.eml", "3.eml", "4.eml", "5.eml"], files
        assert sorted(n for n in os.listdir(relay.maildir) if n.endswith(".eml")) == sorted(files)
    finally:
        relay.stop()

    # A relay started again on the same maildir goes on numbering.
    again = Relay(maildir=relay.maildir)
    try:
        assert try_send(again, "someone@example.com") == 250
        assert again.index()[-1]["file"] == "6.eml"
    finally:
        again.stop()


def make_certificate():
    cert, key = os.path.join(WORKDIR, "cert.pem"), os.path.join(WORKDIR, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def check_tls_and_auth(cert, key):
    client_context = ssl.create_default_context(cafile=cert)  # verifies the chain and 127.0.0.1

    # STARTTLS offered, not required.
    relay = Relay("--tls-cert", cert, "--tls-key", key)
    try:
        assert try_send(relay, "plain@example.com") == 250
        with relay.client() as smtp:
            smtp.starttls(context=client_context)
            smtp.sendmail("portal@selfcare.test", ["secure@example.com"], MESSAGE)
        plain, secure = relay.index()
        assert plain["tls"] is False and secure["tls"] is True, (plain, secure)
        assert relay.message(secure["file"]) == MESSAGE
    finally:
        relay.stop()

    # STARTTLS required, and AUTH.
    relay = Relay("--tls-cert", cert, "--tls-key", key, "--require-starttls", "--auth", "mailer:s3cret pass")
    try:
        with relay.client() as smtp:
            smtp.ehlo()
            assert smtp.has_extn("starttls")
            code, _ = smtp.mail("portal@selfcare.test")
            assert code == 530, code
        with relay.client() as smtp:
            smtp.starttls(context=client_context)
            smtp.ehlo()
            assert set(smtp.esmtp_features["auth"].split()) >= {"PLAIN", "LOGIN"}, smtp.esmtp_features
            code, _ = smtp.mail("portal@selfcare.test")
            assert code == 530, code  # not authenticated yet
            smtp.rset()
            smtp.login("mailer", "s3cret pass")
            smtp.sendmail("portal@selfcare.test", ["someone@example.com"], MESSAGE)
        entry, = relay.index()
        assert entry["tls"] is True and entry["auth"] == "mailer", entry
    finally:
        relay.stop()

    # AUTH without TLS, both mechanisms, and a wrong password.
    relay = Relay("--auth", "mailer:s3cret pass")
    try:
        for mechanism in ("PLAIN", "LOGIN"):
            with relay.client() as smtp:
                smtp.ehlo()
                smtp.user, smtp.password = "mailer", "s3cret pass"
                method = smtp.auth_plain if mechanism == "PLAIN" else smtp.auth_login
                code, _ = smtp.auth(mechanism, method, initial_response_ok=False)
                assert code == 235, (mechanism, code)
                smtp.sendmail("portal@selfcare.test", [f"{mechanism.lower()}@example.com"], MESSAGE)
        with relay.client() as smtp:
            try:
                smtp.login("mailer", "wrong")
                raise AssertionError("a wrong password should be refused")
            except smtplib.SMTPAuthenticationError as error:
                assert error.smtp_code == 535, error
        with relay.client() as smtp:
            smtp.ehlo()
            code, _ = smtp.mail("portal@selfcare.test")
            assert code == 530, code
        entries = relay.index()
        assert [(e["rcpt_tos"], e["tls"], e["auth"]) for e in entries] == [
            (["plain@example.com"], False, "mailer"), (["login@example.com"], False, "mailer")], entries
    finally:
        relay.stop()


def main():
    check_plain()
    check_tls_and_auth(*make_certificate())
    print("test_smtp_relay: all checks passed")


if __name__ == "__main__":
    main()
