"""Reference ESME for Benchmarks/messaging.sh: binds to the SMSC as a transceiver, submits COUNT short messages
asking for delivery receipts with up to WINDOW requests outstanding, and answers the receipts; no database, no
retries. Prints the seconds until every message is accepted and every receipt answered.
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
sock.sendall(pdu(0x00000009, 1, cstring("r-reference") + cstring("secret") + cstring("") + bytes([0x34, 0, 0]) + cstring("")))
_, buffer = read_pdu(sock, buffer)
start = time.perf_counter()
sent = answered = receipts = 0
while answered < count:
    while sent < count and sent - answered < window:
        sent += 1
        text = ("Votre facture B2026-%07d est disponible : 499,00 Rs, à régler avant le 20/11." % sent).encode("latin-1")
        body = (cstring("") + bytes([5, 0]) + cstring("8900") + bytes([1, 1]) + cstring("2305%07d" % sent)
                + bytes([0, 0, 0]) + cstring("") + cstring("") + bytes([1, 0, 3, 0, len(text)]) + text)
        sock.sendall(pdu(0x00000004, sent + 1, body))
    packet, buffer = read_pdu(sock, buffer)
    command, sequence = struct.unpack(">I", packet[4:8])[0], struct.unpack(">I", packet[12:16])[0]
    if command == 0x00000005:
        receipts += 1
        sock.sendall(struct.pack(">IIII", 17, 0x80000005, 0, sequence) + b"\0")
    elif command == 0x80000004:
        answered += 1
while receipts < count:
    packet, buffer = read_pdu(sock, buffer)
    if struct.unpack(">I", packet[4:8])[0] == 0x00000005:
        receipts += 1
        sock.sendall(struct.pack(">IIII", 17, 0x80000005, 0, struct.unpack(">I", packet[12:16])[0]) + b"\0")
print("%.3f" % (time.perf_counter() - start))
