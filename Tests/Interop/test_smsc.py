#!/usr/bin/env python3
"""Sanity test of Tests/Interop/smsc.py: starts it, talks SMPP to it over a socket, checks its log.

Usage: python3 Tests/Interop/test_smsc.py    (standard library only; exits non-zero on failure)
"""

import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

BIND_TRANSMITTER, BIND_RECEIVER, BIND_TRANSCEIVER = 0x02, 0x01, 0x09
SUBMIT_SM, DELIVER_SM, UNBIND, ENQUIRE_LINK = 0x04, 0x05, 0x06, 0x15
GENERIC_NACK, RESP = 0x80000000, 0x80000000


def cstring(text):
    return text.encode("ascii") + b"\0"


class Client:
    """A minimal blocking SMPP client."""

    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sequence = 0

    def send(self, command_id, body=b"", sequence=None):
        if sequence is None:
            self.sequence += 1
            sequence = self.sequence
        self.socket.sendall(struct.pack(">IIII", 16 + len(body), command_id, 0, sequence) + body)
        return sequence

    def read_exactly(self, count):
        data = b""
        while len(data) < count:
            chunk = self.socket.recv(count - len(data))
            if not chunk:
                raise EOFError("connection closed")
            data += chunk
        return data

    def receive(self):
        length, command_id, status, sequence = struct.unpack(">IIII", self.read_exactly(16))
        return command_id, status, sequence, self.read_exactly(length - 16)

    def request(self, command_id, body=b""):
        """Sends a request and returns (status, body) of its response."""
        sequence = self.send(command_id, body)
        response_id, status, response_sequence, response_body = self.receive()
        assert response_sequence == sequence, (response_sequence, sequence)
        assert response_id in (command_id | RESP, GENERIC_NACK), hex(response_id)
        return status, response_body

    def bind(self, system_id, password="secret", command_id=BIND_TRANSCEIVER):
        body = cstring(system_id) + cstring(password) + cstring("") + bytes([0x34, 0, 0]) + cstring("")
        return self.request(command_id, body)

    def submit(self, text_bytes, data_coding=0, source="33612345678", destination="33698765432",
               esm_class=0, registered_delivery=0, tlvs=b""):
        body = (cstring("") + bytes([1, 1]) + cstring(source) + bytes([1, 1]) + cstring(destination)
                + bytes([esm_class, 0, 0]) + cstring("") + cstring("")
                + bytes([registered_delivery, 0, data_coding, 0, len(text_bytes)]) + text_bytes + tlvs)
        status, response = self.request(SUBMIT_SM, body)
        return status, response.rstrip(b"\0").decode("ascii")

    def is_closed(self):
        try:
            return self.socket.recv(1) == b""
        except ConnectionError:
            return True

    def close(self):
        self.socket.close()


def concatenated(reference, total, number, payload):
    return bytes([5, 0x00, 3, reference, total, number]) + payload


def main():
    workdir = tempfile.mkdtemp(prefix="smsc-test-")
    log_path = os.path.join(workdir, "messages.jsonl")
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "smsc.py"), "--host", "127.0.0.1",
                               "--port", "0", "--log", log_path], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("listening "), line
        run(int(line.split()[1]), log_path)
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0, "the server should exit cleanly on SIGTERM"
    print("test_smsc: all checks passed")


def log_lines(log_path):
    with open(log_path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def run(port, log_path):
    # Wrong password: refused, session stays open and unbound.
    client = Client(port)
    status, body = client.bind("selfcare", password="wrong")
    assert status == 0x0E and body == b"", (status, body)
    status, _ = client.submit(b"hello")
    assert status == 0x04, status
    assert client.request(ENQUIRE_LINK) == (0, b"")
    status, body = client.bind("selfcare")
    assert status == 0 and body == b"SMSC\0", (status, body)
    assert client.bind("selfcare")[0] == 0x05  # already bound

    # GSM 03.38, unpacked: "Café è à où €[1]" with é=05 è=04 à=7F ù=06, € and [ escaped.
    gsm = b"Caf\x05 \x04 \x7f o\x06 \x1b\x65\x1b\x3c1\x1b\x3e"
    status, gsm_id = client.submit(gsm, data_coding=0, tlvs=struct.pack(">HH", 0x1401, 8) + b"ref-123\0")
    assert status == 0 and len(gsm_id) == 8, (status, gsm_id)
    entry = log_lines(log_path)[-1]
    assert entry == {"system_id": "selfcare", "source": "33612345678", "destination": "33698765432",
                     "text": "Café è à où €[1]", "data_coding": 0, "parts": 1, "message_ids": [gsm_id],
                     "reference": "ref-123", "registered_delivery": 0}, entry

    # UCS-2.
    status, ucs_id = client.submit("Fête ça".encode("utf-16-be"), data_coding=8)
    assert status == 0 and ucs_id != gsm_id
    entry = log_lines(log_path)[-1]
    assert entry["text"] == "Fête ça" and entry["data_coding"] == 8 and entry["reference"] is None, entry

    # Latin-1 and binary.
    client.submit("déjà".encode("latin-1"), data_coding=3)
    assert log_lines(log_path)[-1]["text"] == "déjà"
    client.submit(b"\x01\xff", data_coding=4)
    assert log_lines(log_path)[-1]["text"] == "01ff"

    # Three parts sent out of order: one line, once complete, message ids in part order.
    count = len(log_lines(log_path))
    ids = {}
    for number, text in ((2, b"second "), (1, b"first "), (3, b"third")):
        status, ids[number] = client.submit(concatenated(0x42, 3, number, text), esm_class=0x40,
                                            registered_delivery=1 if number == 3 else 0)
        assert status == 0
        assert len(log_lines(log_path)) == count + (1 if number == 3 else 0)
    entry = log_lines(log_path)[-1]
    assert entry["text"] == "first second third" and entry["parts"] == 3, entry
    assert entry["message_ids"] == [ids[1], ids[2], ids[3]], entry
    assert entry["registered_delivery"] == 1

    # Two parts with a 16-bit reference, in UCS-2.
    for number, text in ((1, "Bonne "), (2, "année")):
        header = bytes([6, 0x08, 4, 0x12, 0x34, 2, number])
        assert client.submit(header + text.encode("utf-16-be"), data_coding=8, esm_class=0x40)[0] == 0
    assert log_lines(log_path)[-1]["text"] == "Bonne année"

    # Without the r flag, no receipt even when asked for: the next PDU is our enquire_link_resp.
    client.submit(b"no receipt", registered_delivery=1)
    assert client.request(ENQUIRE_LINK) == (0, b"")

    # A submit_sm body cut short: generic_nack ESME_RINVCMDLEN, the session goes on.
    status, _ = client.request(SUBMIT_SM, cstring("") + bytes([1, 1]) + b"3361")
    assert status == 0x02, status

    # Unknown command, then unbind closes.
    status, _ = client.request(0x00000103 + 0x1000)
    assert status == 0x03, status
    assert client.request(UNBIND) == (0, b"")
    assert client.is_closed()
    client.close()

    check_receipts(port)
    check_throttling(port, log_path)
    check_drop(port, log_path)

    # A command_length below 16 or above 64 KiB closes the connection.
    for length in (8, 64 * 1024 + 1):
        client = Client(port)
        client.socket.sendall(struct.pack(">IIII", length, ENQUIRE_LINK, 0, 1))
        assert client.is_closed()
        client.close()

    # Still serving after all that.
    client = Client(port)
    assert client.request(ENQUIRE_LINK) == (0, b"")
    client.close()


def parse_deliver_sm(body):
    fields, position = [], 0
    for kind in ("c", 1, 1, "c", 1, 1, "c", 1, 1, 1, "c", "c", 1, 1, 1, 1):
        if kind == "c":
            end = body.index(b"\0", position)
            fields.append(body[position:end].decode())
            position = end + 1
        else:
            fields.append(body[position])
            position += 1
    length = body[position]
    short_message = body[position + 1:position + 1 + length].decode("ascii")
    position += 1 + length
    tlvs = {}
    while position < len(body):
        tag, size = struct.unpack(">HH", body[position:position + 4])
        tlvs[tag] = body[position + 4:position + 4 + size]
        position += 4 + size
    return fields, short_message, tlvs


def check_receipts(port):
    client = Client(port)
    assert client.bind("r-receipts")[0] == 0
    status, message_id = client.submit("Où êtes-vous ? ça va très bien".encode("utf-16-be"), data_coding=8,
                                       registered_delivery=1)
    assert status == 0
    command_id, status, sequence, body = client.receive()
    assert command_id == DELIVER_SM, hex(command_id)
    fields, text, tlvs = parse_deliver_sm(body)
    assert fields[3] == "33698765432" and fields[6] == "33612345678", fields  # swapped addresses
    assert fields[7] == 0x04 and fields[14] == 0, fields  # esm_class, data_coding
    assert text.startswith(f"id:{message_id} sub:001 dlvrd:001 submit date:"), text
    assert text.endswith(" stat:DELIVRD err:000 text:O? ?tes-vous ? ?a va"), text
    assert tlvs[0x001E] == message_id.encode() + b"\0" and tlvs[0x0427] == b"\x02", tlvs
    client.send(DELIVER_SM | RESP, b"\0", sequence=sequence)

    # Not asked for: none.
    client.submit(b"quiet", registered_delivery=0)
    assert client.request(ENQUIRE_LINK) == (0, b"")
    client.close()

    # Undeliverable, and a transmitter whose receipts go to the receiver of the same system_id.
    receiver = Client(port)
    assert receiver.bind("ru-receipts", command_id=BIND_RECEIVER)[0] == 0
    assert receiver.submit(b"x")[0] == 0x04  # a receiver may not submit
    transmitter = Client(port)
    assert transmitter.bind("ru-receipts", command_id=BIND_TRANSMITTER)[0] == 0
    status, message_id = transmitter.submit(b"lost", registered_delivery=1)
    assert status == 0
    command_id, _, _, body = receiver.receive()
    assert command_id == DELIVER_SM
    _, text, tlvs = parse_deliver_sm(body)
    assert f"id:{message_id} " in text and "stat:UNDELIV err:001 text:lost" in text, text
    assert tlvs[0x0427] == b"\x05"
    # The receiver never answers that deliver_sm; the server must not mind.
    receiver.close()
    assert transmitter.submit(b"again", registered_delivery=1)[0] == 0
    assert transmitter.request(ENQUIRE_LINK) == (0, b"")
    transmitter.close()


def check_throttling(port, log_path):
    for flag, refusal in (("t", 0x58), ("q", 0x14)):
        system_id = f"{flag}40-throttle"
        statuses = []
        for session in range(2):  # the pseudo-random sequence is shared across sessions
            client = Client(port)
            assert client.bind(system_id)[0] == 0
            for i in range(25):
                status, message_id = client.submit(f"msg {session} {i}".encode())
                assert status in (0, refusal), status
                assert (message_id == "") == (status != 0)
                statuses.append(status)
            client.close()
        accepted = statuses.count(0)
        assert 10 < accepted < 45, statuses
        logged = [e for e in log_lines(log_path) if e["system_id"] == system_id]
        assert len(logged) == accepted, (len(logged), accepted)

    # A refused part is not counted: the message completes once every part is accepted.
    client = Client(port)
    assert client.bind("t50-parts")[0] == 0
    for number in (1, 2):
        while client.submit(concatenated(7, 2, number, b"ab"[number - 1:number]), esm_class=0x40)[0] != 0:
            pass
    entry = [e for e in log_lines(log_path) if e["system_id"] == "t50-parts"]
    assert len(entry) == 1 and entry[0]["text"] == "ab" and entry[0]["parts"] == 2, entry
    client.close()


def check_drop(port, log_path):
    client = Client(port)
    assert client.bind("d2-drop")[0] == 0
    assert client.submit(b"one")[0] == 0
    try:
        client.submit(b"two")
        raise AssertionError("the second submit_sm should have closed the connection")
    except (EOFError, ConnectionError):
        pass
    client.close()
    client = Client(port)  # only once: the next session goes on
    assert client.bind("d2-drop")[0] == 0
    assert client.submit(b"three")[0] == 0
    assert client.submit(b"four")[0] == 0
    client.close()
    texts = [e["text"] for e in log_lines(log_path) if e["system_id"] == "d2-drop"]
    assert texts == ["one", "three", "four"], texts

    # Counted per system_id across sessions: the 3rd submit overall is dropped.
    first, second = Client(port), Client(port)
    assert first.bind("d3-across")[0] == 0 and second.bind("d3-across")[0] == 0
    assert first.submit(b"a")[0] == 0 and second.submit(b"b")[0] == 0
    try:
        first.submit(b"c")
        raise AssertionError("the third submit_sm should have closed the connection")
    except (EOFError, ConnectionError):
        pass
    assert second.submit(b"d")[0] == 0
    first.close()
    second.close()


if __name__ == "__main__":
    main()
