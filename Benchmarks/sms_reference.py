"""Reference ESME for Benchmarks/messaging.sh: binds to the SMSC as a transmitter and submits COUNT short
messages with up to WINDOW requests outstanding, no database and no retries; prints the seconds it took.
Usage: sms_reference.py PORT COUNT [WINDOW]"""
import socket
import struct
import sys
import time

port, count = int(sys.argv[1]), int(sys.argv[2])
window = int(sys.argv[3]) if len(sys.argv) > 3 else 10


def pdu(command, sequence, body=b""):
    return struct.pack(">IIII", 16 + len(body), command, 0, sequence) + body


def cstring(text):
    return text.encode() + b"\0"


def read_pdu(sock, buffer):
    while len(buffer) < 4 or len(buffer) < struct.unpack(">I", buffer[:4])[0]:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("the SMSC closed the link")
        buffer += chunk
    length = struct.unpack(">I", buffer[:4])[0]
    return buffer[:length], buffer[length:]


sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buffer = b""
sock.sendall(pdu(0x00000002, 1, cstring("reference") + cstring("secret") + cstring("") + bytes([0x34, 0, 0]) + cstring("")))
_, buffer = read_pdu(sock, buffer)
start = time.perf_counter()
sent = answered = 0
while answered < count:
    while sent < count and sent - answered < window:
        sent += 1
        text = ("Votre facture B2026-%07d est disponible : 499,00 Rs, à régler avant le 20/11." % sent).encode("latin-1")
        body = (cstring("") + bytes([5, 0]) + cstring("8900") + bytes([1, 1]) + cstring("2305%07d" % sent)
                + bytes([0, 0, 0]) + cstring("") + cstring("") + bytes([0, 0, 3, 0, len(text)]) + text)
        sock.sendall(pdu(0x00000004, sent + 1, body))
    _, buffer = read_pdu(sock, buffer)
    answered += 1
print("%.3f" % (time.perf_counter() - start))
