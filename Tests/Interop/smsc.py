#!/usr/bin/env python3
"""A small SMPP 3.4 message centre (SMSC) for the integration tests.

Usage:
    python3 Tests/Interop/smsc.py --host 127.0.0.1 --port 0 --log PATH [--password secret]

With --port 0 a free port is chosen. Once listening, the server prints exactly
`listening <port>` on stdout and runs until SIGTERM or SIGINT. Standard library only.

What it does, following the SMPP 3.4 specification:
  * bind_receiver, bind_transmitter, bind_transceiver: accepted (system_id "SMSC")
    when the password matches, else ESME_RINVPASWD and the session stays unbound.
    Any other request but enquire_link before a successful bind gets ESME_RINVBNDSTS.
  * submit_sm: answered with a unique message_id. The short message (or the
    message_payload TLV) is decoded by data_coding: 0x00 GSM 03.38 default alphabet,
    unpacked, with the extension table; 0x01 ASCII; 0x03 Latin-1; 0x08 UCS-2
    (UTF-16BE); anything else, 0x02 and 0x04 included, as hex. Concatenated
    messages (UDH IEI 0x00 or 0x08, or the sar_* TLVs) are reassembled. When a
    message is complete, one JSON line is appended to the --log file *before*
    the submit_sm_resp of its last part is sent, so a client that has its answer
    can read the line:
        {"system_id", "source", "destination", "text", "data_coding", "parts",
         "message_ids", "reference", "registered_delivery"}
    "reference" is the vendor TLV 0x1401 as text, or null; "registered_delivery"
    is the bitwise OR over the parts.
  * Delivery receipts (only for system_ids with the `r` flag, see below): after a
    part's submit_sm_resp, a deliver_sm with esm_class 0x04, the usual
    `id:... stat:DELIVRD ...` text and the receipted_message_id and message_state
    TLVs. It goes to the submitting session when it is bound as receiver or
    transceiver, else to another session of the same system_id that is.
  * enquire_link, unbind (answered, then the connection is closed), generic_nack
    with ESME_RINVCMDID for any other command. A PDU whose command_length is
    below 16 or above 64 KiB closes the connection.

Behaviours are chosen by the bind's system_id, so one server serves all tests.
In a system_id such as `t30d3ru-ab12cd`, the part before the first `-` is a list
of flags (a system_id without `-` has none):
  t<N>  refuse N percent of submit_sm with ESME_RTHROTTLED (pseudo-random but
        deterministic: one random.Random(system_id) per system_id);
  q<N>  the same with ESME_RMSGQFUL;
  d<N>  the N-th submit_sm of this system_id over the server's lifetime (counted
        across sessions) closes the connection without any answer; only once;
  r     delivery receipts are sent when registered_delivery asks for them;
  u     receipts say stat:UNDELIV err:001 and message_state 5 (UNDELIVERABLE).
A refused or dropped submit_sm is neither logged nor counted as a part.
"""

import argparse
import asyncio
import json
import random
import re
import signal
import struct
import sys
import time
from dataclasses import dataclass
from typing import Optional

# Command ids (SMPP 3.4, section 5.1.2.1).
GENERIC_NACK = 0x80000000
BIND_RECEIVER = 0x00000001
BIND_TRANSMITTER = 0x00000002
SUBMIT_SM = 0x00000004
DELIVER_SM = 0x00000005
UNBIND = 0x00000006
BIND_TRANSCEIVER = 0x00000009
ENQUIRE_LINK = 0x00000015
RESPONSE_BIT = 0x80000000

BIND_COMMANDS = {
    BIND_RECEIVER: "receiver",
    BIND_TRANSMITTER: "transmitter",
    BIND_TRANSCEIVER: "transceiver",
}
# Requests this server knows; any other request id is answered with generic_nack.
KNOWN_REQUESTS = set(BIND_COMMANDS) | {SUBMIT_SM, UNBIND, ENQUIRE_LINK}

# Command status values (section 5.1.3).
ESME_ROK = 0x00000000
ESME_RINVCMDLEN = 0x00000002
ESME_RINVCMDID = 0x00000003
ESME_RINVBNDSTS = 0x00000004
ESME_RALYBND = 0x00000005
ESME_RINVPASWD = 0x0000000E
ESME_RINVSYSID = 0x0000000F
ESME_RMSGQFUL = 0x00000014
ESME_RTHROTTLED = 0x00000058

# TLV tags (section 5.3.2) and the vendor tag the portal uses for its own reference.
TAG_RECEIPTED_MESSAGE_ID = 0x001E
TAG_SAR_MSG_REF_NUM = 0x020C
TAG_SAR_TOTAL_SEGMENTS = 0x020E
TAG_SAR_SEGMENT_SEQNUM = 0x020F
TAG_MESSAGE_PAYLOAD = 0x0424
TAG_MESSAGE_STATE = 0x0427
TAG_VENDOR_REFERENCE = 0x1401

MESSAGE_STATE_DELIVERED = 2
MESSAGE_STATE_UNDELIVERABLE = 5

ESM_CLASS_UDHI = 0x40
ESM_CLASS_DELIVERY_RECEIPT = 0x04

MAX_PDU_LENGTH = 64 * 1024
MAX_SYSTEM_ID_LENGTH = 15  # 16 octets with the terminating NUL

# GSM 03.38 default alphabet, indexed by septet value. 0x1B is the escape to the
# extension table below.
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
assert len(GSM_BASIC) == 128
GSM_ESCAPE = 0x1B
GSM_EXTENSION = {
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
    0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
}


class MalformedPDU(Exception):
    """A PDU body that does not parse as its command says it should."""


class BodyReader:
    """Reads the fields of a PDU body in order."""

    def __init__(self, data: bytes):
        self.data = data
        self.position = 0

    def remaining(self) -> int:
        return len(self.data) - self.position

    def octets(self, count: int) -> bytes:
        if count > self.remaining():
            raise MalformedPDU(f"needs {count} octets, {self.remaining()} left")
        value = self.data[self.position:self.position + count]
        self.position += count
        return value

    def u8(self) -> int:
        return self.octets(1)[0]

    def u16(self) -> int:
        return struct.unpack(">H", self.octets(2))[0]

    def cstring(self) -> str:
        end = self.data.find(b"\0", self.position)
        if end < 0:
            raise MalformedPDU("C-octet string without its NUL")
        value = self.data[self.position:end]
        self.position = end + 1
        # Latin-1 never fails; these fields are ASCII in practice.
        return value.decode("latin-1")

    def tlvs(self) -> dict:
        found = {}
        while self.remaining():
            tag = self.u16()
            length = self.u16()
            found[tag] = self.octets(length)
        return found


def cstring(text: str) -> bytes:
    return text.encode("latin-1", errors="replace") + b"\0"


def tlv(tag: int, value: bytes) -> bytes:
    return struct.pack(">HH", tag, len(value)) + value


def pdu(command_id: int, status: int, sequence: int, body: bytes = b"") -> bytes:
    return struct.pack(">IIII", 16 + len(body), command_id, status, sequence) + body


def decode_gsm7_unpacked(septets: bytes) -> str:
    """GSM 03.38 default alphabet, one septet per octet."""
    characters = []
    escaped = False
    for octet in septets:
        if octet > 0x7F:
            characters.append("?")  # not a septet
            escaped = False
        elif escaped:
            escaped = False
            if octet == GSM_ESCAPE:
                # Escape to a further extension table: 23.038 says show a space.
                characters.append(" ")
            else:
                # 23.038: an undefined extension code shows the basic character.
                characters.append(GSM_EXTENSION.get(octet, GSM_BASIC[octet]))
        elif octet == GSM_ESCAPE:
            escaped = True
        else:
            characters.append(GSM_BASIC[octet])
    return "".join(characters)


def decode_text(data_coding: int, payload: bytes) -> str:
    if data_coding == 0x00:
        return decode_gsm7_unpacked(payload)
    if data_coding == 0x01:
        return payload.decode("ascii", errors="replace")
    if data_coding == 0x03:
        return payload.decode("latin-1")
    if data_coding == 0x08:
        return payload.decode("utf-16-be", errors="replace")
    return payload.hex()


def split_user_data_header(payload: bytes):
    """Returns (concatenation, rest): concatenation is (ref, total, seq) or None."""
    if not payload:
        raise MalformedPDU("UDHI set on an empty message")
    header_length = payload[0]
    if 1 + header_length > len(payload):
        raise MalformedPDU("user data header longer than the message")
    header = payload[1:1 + header_length]
    concatenation = None
    position = 0
    while position + 2 <= len(header):
        element_id, element_length = header[position], header[position + 1]
        data = header[position + 2:position + 2 + element_length]
        position += 2 + element_length
        if len(data) != element_length:
            raise MalformedPDU("truncated information element")
        if element_id == 0x00 and element_length == 3:
            concatenation = (data[0], data[1], data[2])
        elif element_id == 0x08 and element_length == 4:
            concatenation = (struct.unpack(">H", data[:2])[0], data[2], data[3])
    return concatenation, payload[1 + header_length:]


@dataclass
class SubmitSM:
    service_type: str
    source_ton: int
    source_npi: int
    source: str
    destination_ton: int
    destination_npi: int
    destination: str
    esm_class: int
    registered_delivery: int
    data_coding: int
    payload: bytes  # short message without its user data header
    concatenation: Optional[tuple]  # (ref, total, seq)
    reference: Optional[str]


def parse_submit_sm(body: bytes) -> SubmitSM:
    reader = BodyReader(body)
    service_type = reader.cstring()
    source_ton, source_npi = reader.u8(), reader.u8()
    source = reader.cstring()
    destination_ton, destination_npi = reader.u8(), reader.u8()
    destination = reader.cstring()
    esm_class = reader.u8()
    reader.u8()  # protocol_id
    reader.u8()  # priority_flag
    reader.cstring()  # schedule_delivery_time
    reader.cstring()  # validity_period
    registered_delivery = reader.u8()
    reader.u8()  # replace_if_present_flag
    data_coding = reader.u8()
    reader.u8()  # sm_default_msg_id
    short_message = reader.octets(reader.u8())
    tlvs = reader.tlvs()

    # A message too long for short_message travels in message_payload, with sm_length 0.
    payload = short_message if short_message else tlvs.get(TAG_MESSAGE_PAYLOAD, b"")
    concatenation = None
    if esm_class & ESM_CLASS_UDHI:
        concatenation, payload = split_user_data_header(payload)
    elif TAG_SAR_MSG_REF_NUM in tlvs:
        try:
            concatenation = (
                struct.unpack(">H", tlvs[TAG_SAR_MSG_REF_NUM])[0],
                tlvs[TAG_SAR_TOTAL_SEGMENTS][0],
                tlvs[TAG_SAR_SEGMENT_SEQNUM][0],
            )
        except (KeyError, IndexError, struct.error) as error:
            raise MalformedPDU(f"incomplete sar_* TLVs: {error}")
    if concatenation is not None:
        _, total, sequence = concatenation
        # 23.040: a concatenation element with these values is ignored.
        if total < 1 or sequence < 1 or sequence > total or total == 1:
            concatenation = None

    reference = tlvs.get(TAG_VENDOR_REFERENCE)
    if reference is not None:
        reference = reference.rstrip(b"\0").decode("utf-8", errors="replace")

    return SubmitSM(
        service_type, source_ton, source_npi, source,
        destination_ton, destination_npi, destination,
        esm_class, registered_delivery, data_coding,
        payload, concatenation, reference,
    )


@dataclass
class Account:
    """What the server remembers about one system_id across its sessions."""

    system_id: str
    flags: dict
    random: random.Random
    submits: int = 0
    dropped: bool = False

    @classmethod
    def named(cls, system_id: str) -> "Account":
        flags = {}
        if "-" in system_id:
            prefix = system_id.split("-", 1)[0]
            for letter, digits in re.findall(r"([a-z])(\d*)", prefix):
                flags[letter] = int(digits) if digits else 0
        return cls(system_id, flags, random.Random(system_id))


@dataclass
class Part:
    sm: SubmitSM
    message_id: str


@dataclass(eq=False)  # compared by identity, kept in a set
class Session:
    writer: asyncio.StreamWriter
    account: Optional[Account] = None
    bound_as: Optional[str] = None  # "receiver", "transmitter" or "transceiver"
    next_sequence: int = 0
    closed: bool = False

    def can_receive(self) -> bool:
        return not self.closed and self.bound_as in ("receiver", "transceiver")

    def sequence(self) -> int:
        self.next_sequence = self.next_sequence % 0x7FFFFFFF + 1
        return self.next_sequence

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


class SMSC:
    def __init__(self, password: str, log_path: str):
        self.password = password
        self.log = open(log_path, "a", encoding="utf-8")
        self.accounts = {}
        self.sessions = set()
        self.pending = {}  # reassembly key -> {part number: Part}
        self.message_counter = 0

    def account(self, system_id: str) -> Account:
        if system_id not in self.accounts:
            self.accounts[system_id] = Account.named(system_id)
        return self.accounts[system_id]

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(writer)
        self.sessions.add(session)
        try:
            while True:
                header = await reader.readexactly(16)
                length, command_id, _status, sequence = struct.unpack(">IIII", header)
                if length < 16 or length > MAX_PDU_LENGTH:
                    break
                body = await reader.readexactly(length - 16)
                if not await self.dispatch(session, command_id, sequence, body):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            session.closed = True
            self.sessions.discard(session)
            writer.close()

    async def dispatch(self, session: Session, command_id: int, sequence: int, body: bytes) -> bool:
        """Handles one PDU; returns False when the connection is to be closed."""
        if command_id & RESPONSE_BIT:
            return True  # deliver_sm_resp, generic_nack...: nothing waits on them
        if command_id not in KNOWN_REQUESTS:
            await session.send(pdu(GENERIC_NACK, ESME_RINVCMDID, sequence))
            return True
        if command_id == ENQUIRE_LINK:
            await session.send(pdu(ENQUIRE_LINK | RESPONSE_BIT, ESME_ROK, sequence))
            return True
        if command_id in BIND_COMMANDS:
            await self.bind(session, command_id, sequence, body)
            return True
        if session.bound_as is None:
            await session.send(pdu(command_id | RESPONSE_BIT, ESME_RINVBNDSTS, sequence))
            return True
        if command_id == UNBIND:
            await session.send(pdu(UNBIND | RESPONSE_BIT, ESME_ROK, sequence))
            return False
        return await self.submit(session, sequence, body)

    async def bind(self, session: Session, command_id: int, sequence: int, body: bytes) -> None:
        response = command_id | RESPONSE_BIT
        try:
            reader = BodyReader(body)
            system_id = reader.cstring()
            password = reader.cstring()
        except MalformedPDU:
            await session.send(pdu(GENERIC_NACK, ESME_RINVCMDLEN, sequence))
            return
        # An error response has no body (section 4.1.2).
        if session.bound_as is not None:
            status = ESME_RALYBND
        elif not system_id or len(system_id) > MAX_SYSTEM_ID_LENGTH:
            status = ESME_RINVSYSID
        elif password != self.password:
            status = ESME_RINVPASWD
        else:
            session.account = self.account(system_id)
            session.bound_as = BIND_COMMANDS[command_id]
            await session.send(pdu(response, ESME_ROK, sequence, cstring("SMSC")))
            return
        await session.send(pdu(response, status, sequence))

    async def submit(self, session: Session, sequence: int, body: bytes) -> bool:
        response = SUBMIT_SM | RESPONSE_BIT
        if session.bound_as == "receiver":
            await session.send(pdu(response, ESME_RINVBNDSTS, sequence))
            return True
        account = session.account
        flags = account.flags
        account.submits += 1
        if "d" in flags and not account.dropped and account.submits == flags["d"]:
            account.dropped = True
            session.writer.transport.abort()
            return False
        try:
            sm = parse_submit_sm(body)
        except MalformedPDU:
            await session.send(pdu(GENERIC_NACK, ESME_RINVCMDLEN, sequence))
            return True

        if "t" in flags or "q" in flags:
            roll = account.random.random() * 100
            if roll < flags.get("t", 0):
                await session.send(pdu(response, ESME_RTHROTTLED, sequence))
                return True
            if roll < flags.get("t", 0) + flags.get("q", 0):
                await session.send(pdu(response, ESME_RMSGQFUL, sequence))
                return True

        self.message_counter += 1
        message_id = f"{self.message_counter:08x}"
        self.record(account, Part(sm, message_id))
        await session.send(pdu(response, ESME_ROK, sequence, cstring(message_id)))
        await self.maybe_send_receipt(session, account, sm, message_id)
        return True

    def record(self, account: Account, part: Part) -> None:
        """Keeps a part; writes the log line once its message is complete."""
        sm = part.sm
        if sm.concatenation is None:
            parts = [part]
        else:
            reference, total, number = sm.concatenation
            key = (account.system_id, sm.source, sm.destination, reference, total)
            received = self.pending.setdefault(key, {})
            received[number] = part  # a part sent again replaces the earlier one
            if len(received) < total:
                return
            del self.pending[key]
            parts = [received[n] for n in sorted(received)]

        first = parts[0].sm
        # The payloads are joined before decoding so a character split across parts
        # (a UTF-16 surrogate pair, a GSM escape) still decodes.
        text = decode_text(first.data_coding, b"".join(p.sm.payload for p in parts))
        registered_delivery = 0
        for p in parts:
            registered_delivery |= p.sm.registered_delivery
        entry = {
            "system_id": account.system_id,
            "source": first.source,
            "destination": first.destination,
            "text": text,
            "data_coding": first.data_coding,
            "parts": len(parts),
            "message_ids": [p.message_id for p in parts],
            "reference": next((p.sm.reference for p in parts if p.sm.reference is not None), None),
            "registered_delivery": registered_delivery,
        }
        self.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.log.flush()

    async def maybe_send_receipt(self, session: Session, account: Account, sm: SubmitSM, message_id: str) -> None:
        if "r" not in account.flags:
            return
        undeliverable = "u" in account.flags
        # registered_delivery bits 1-0: 01 receipt on success or failure, 10 on failure only.
        wanted = sm.registered_delivery & 0x03
        if not (wanted == 0x01 or (wanted == 0x02 and undeliverable)):
            return
        target = session if session.can_receive() else next(
            (s for s in self.sessions if s.account is account and s.can_receive()), None)
        if target is None:
            return

        now = time.strftime("%y%m%d%H%M", time.gmtime())
        part_text = decode_text(sm.data_coding, sm.payload)[:20]
        part_text = "".join(c if " " <= c <= "~" else "?" for c in part_text)
        status, error, state = ("UNDELIV", "001", MESSAGE_STATE_UNDELIVERABLE) if undeliverable \
            else ("DELIVRD", "000", MESSAGE_STATE_DELIVERED)
        receipt = (f"id:{message_id} sub:001 dlvrd:001 submit date:{now} done date:{now} "
                   f"stat:{status} err:{error} text:{part_text}").encode("ascii")
        body = (
            cstring("")  # service_type
            + bytes([sm.destination_ton, sm.destination_npi]) + cstring(sm.destination)
            + bytes([sm.source_ton, sm.source_npi]) + cstring(sm.source)
            + bytes([ESM_CLASS_DELIVERY_RECEIPT, 0, 0])  # esm_class, protocol_id, priority_flag
            + cstring("") + cstring("")  # schedule_delivery_time, validity_period
            + bytes([0, 0, 0, 0])  # registered_delivery, replace_if_present, data_coding, sm_default_msg_id
            + bytes([len(receipt)]) + receipt
            + tlv(TAG_RECEIPTED_MESSAGE_ID, cstring(message_id))
            + tlv(TAG_MESSAGE_STATE, bytes([state]))
        )
        try:
            await target.send(pdu(DELIVER_SM, ESME_ROK, target.sequence(), body))
        except ConnectionError:
            pass  # the receiving session went away; the receipt is lost, as on a real link


async def main() -> None:
    parser = argparse.ArgumentParser(description="SMPP 3.4 test SMSC")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True, help="file the received messages are appended to, one JSON line each")
    parser.add_argument("--password", default="secret")
    arguments = parser.parse_args()

    smsc = SMSC(arguments.password, arguments.log)
    server = await asyncio.start_server(smsc.serve, arguments.host, arguments.port)
    port = server.sockets[0].getsockname()[1]

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)

    print(f"listening {port}", flush=True)
    await stop.wait()
    server.close()
    for session in list(smsc.sessions):
        session.writer.transport.abort()
    smsc.log.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
