import NIOCore
import NIOEmbedded
import Testing
@testable import SelfCareMessaging

@Suite("SMPP PDUs")
struct SMPPPDUTests {
    private let reference = "3f2c9a1e-7b4d-4c11-9a0e-5d6f7a8b9c0d"

    /// The wire bytes of a PDU.
    private func wire(_ pdu: SMPPPDU) -> [UInt8] {
        var buffer = ByteBuffer()
        pdu.write(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    @Test("a bind body carries system_id, password and system_type as C-strings and interface version 3.4")
    func bindBody() {
        // given / when
        let body = SMPPOperations.bindBody(systemID: "selfcare", password: "s3cret", systemType: "OTP")

        // then
        var reader = SMPPBodyReader(body)
        #expect(reader.cString() == "selfcare")
        #expect(reader.cString() == "s3cret")
        #expect(reader.cString() == "OTP")
        #expect(reader.byte() == 0x34)  // interface_version
        #expect(reader.byte() == 0)  // addr_ton
        #expect(reader.byte() == 0)  // addr_npi
        #expect(reader.cString() == "")  // address_range
        #expect(reader.remaining == 0)
    }

    @Test("a bind body cuts system_id to 15 and password to 8 octets as the specification allows")
    func bindBodyTruncates() {
        // given / when
        let body = SMPPOperations.bindBody(systemID: "selfcare-portal-primary", password: "a-long-password")

        // then
        var reader = SMPPBodyReader(body)
        #expect(reader.cString() == "selfcare-portal")
        #expect(reader.cString() == "a-long-p")
        #expect(reader.cString() == "")
        #expect(reader.byte() == 0x34)
    }

    @Test("a submit_sm body for a part of a long message has UDHI, the UDH, a receipt request and our reference TLV")
    func submitBodyForConcatenatedPart() throws {
        // given the first of two parts of a GSM text
        let parts = try ShortMessageSplitter.split(String(repeating: "Solde ", count: 34), reference: 0x5C)
        #expect(parts.count == 2)

        // when
        let body = SMPPOperations.submitBody(
            source: "SelfCare", destination: "+23057123456", part: parts[0], receipt: true,
            reference: SMPPOptionalParameter(tag: 0x1401, value: Array(reference.utf8) + [0]))

        // then every field is where section 4.4.1 puts it
        var reader = SMPPBodyReader(body)
        #expect(reader.cString() == "")  // service_type
        #expect(reader.byte() == 5)  // source_addr_ton: alphanumeric
        #expect(reader.byte() == 0)  // source_addr_npi
        #expect(reader.cString() == "SelfCare")
        #expect(reader.byte() == 1)  // dest_addr_ton: international
        #expect(reader.byte() == 1)  // dest_addr_npi: E.164
        #expect(reader.cString() == "23057123456")
        #expect(reader.byte() == 0x40)  // esm_class: UDHI
        #expect(reader.byte() == 0)  // protocol_id
        #expect(reader.byte() == 0)  // priority_flag
        #expect(reader.cString() == "")  // schedule_delivery_time
        #expect(reader.cString() == "")  // validity_period
        #expect(reader.byte() == 1)  // registered_delivery: SMSC receipt
        #expect(reader.byte() == 0)  // replace_if_present_flag
        #expect(reader.byte() == 0x00)  // data_coding: GSM default alphabet
        #expect(reader.byte() == 0)  // sm_default_msg_id
        let smLength = reader.byte()
        let length = try #require(smLength)
        #expect(Int(length) == 6 + 153)
        let smBytes = reader.bytes(Int(length))
        let shortMessage = try #require(smBytes)
        #expect(Array(shortMessage.prefix(6)) == [0x05, 0x00, 0x03, 0x5C, 0x02, 0x01])
        #expect(Array(shortMessage.dropFirst(6)) == parts[0].payload)
        #expect(reader.uint16() == 0x1401)
        #expect(reader.uint16() == UInt16(reference.utf8.count + 1))
        #expect(reader.bytes(reference.utf8.count + 1) == Array(reference.utf8) + [0])
        #expect(reader.remaining == 0)
    }

    @Test("a single UCS-2 part without a receipt has esm_class 0, data_coding 8 and registered_delivery 0")
    func submitBodyForSingleUCS2Part() throws {
        // given
        let part = try #require(try ShortMessageSplitter.split("Reçu disponible", reference: 1).first)

        // when
        let body = SMPPOperations.submitBody(source: "1234", destination: "23057123456", part: part, receipt: false)

        // then
        var reader = SMPPBodyReader(body)
        #expect(reader.cString() == "")
        #expect(reader.byte() == 3)  // short code: national
        #expect(reader.byte() == 0)
        #expect(reader.cString() == "1234")
        #expect(reader.byte() == 1)
        #expect(reader.byte() == 1)
        #expect(reader.cString() == "23057123456")
        #expect(reader.byte() == 0x00)  // esm_class: no UDH
        _ = reader.byte()
        _ = reader.byte()
        _ = reader.cString()
        _ = reader.cString()
        #expect(reader.byte() == 0)  // registered_delivery: none
        _ = reader.byte()
        #expect(reader.byte() == 0x08)  // data_coding: UCS-2
        _ = reader.byte()
        #expect(reader.byte() == 30)  // sm_length: 15 characters in UTF-16
        #expect(reader.bytes(30) == part.payload)
        #expect(reader.remaining == 0)  // no optional parameter unless one is configured
    }

    @Test("the source address type follows its form", arguments: [
        ("+23057123456", UInt8(1), UInt8(1)),
        ("23057123456", 1, 1),
        ("8080", 3, 0),
        ("SelfCare", 5, 0),
    ])
    func sourceAddressType(address: String, ton: UInt8, npi: UInt8) {
        // given an address
        // when
        let type = SMPPOperations.addressType(address)

        // then
        #expect(type.ton == ton)
        #expect(type.npi == npi)
    }

    @Test("a written PDU starts with command_length = 16 + body, then id, status and sequence")
    func writeHeader() {
        // given
        let pdu = SMPPPDU(command: .submitSM, sequence: 0x0102_0304, body: ByteBuffer(bytes: [0xAA, 0xBB, 0xCC, 0xDD, 0xEE]))

        // when
        let bytes = wire(pdu)

        // then
        #expect(bytes.count == 21)
        #expect(Array(bytes[0..<4]) == [0, 0, 0, 21])
        #expect(Array(bytes[4..<8]) == [0, 0, 0, 0x04])
        #expect(Array(bytes[8..<12]) == [0, 0, 0, 0])
        #expect(Array(bytes[12..<16]) == [0x01, 0x02, 0x03, 0x04])
        #expect(Array(bytes[16...]) == [0xAA, 0xBB, 0xCC, 0xDD, 0xEE])
    }

    @Test("a response keeps the sequence, sets the response bit and carries its status")
    func response() {
        // given
        let request = SMPPPDU(command: .deliverSM, sequence: 77)

        // when
        let response = request.response(status: .systemError)

        // then
        #expect(response.command.rawValue == 0x8000_0005)
        #expect(response.command.isResponse)
        #expect(!request.command.isResponse)
        #expect(response.sequence == 77)
        #expect(wire(response)[8..<12] == [0, 0, 0, 0x08])
    }

    @Test("the message id of a submit_sm_resp is its C-string, a missing NUL is malformed")
    func submitResponseMessageID() throws {
        // given
        let good = ByteBuffer(bytes: Array("0123abcd".utf8) + [0])
        let bad = ByteBuffer(bytes: Array("0123abcd".utf8))

        // when / then
        #expect(try SMPPOperations.messageID(fromSubmitResponse: good) == "0123abcd")
        #expect(throws: SMPPDecodingError.self) { try SMPPOperations.messageID(fromSubmitResponse: bad) }
    }

    @Test("the frame decoder splits two PDUs delivered in odd chunks")
    func frameDecoderReassembles() throws {
        // given an enquire_link and a submit_sm_resp back to back, cut in uneven pieces
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMPPFrameDecoder()))
        let first = SMPPPDU(command: .enquireLink, sequence: 1)
        let second = SMPPPDU(
            command: .submitSM.response, status: .throttled, sequence: 2, body: ByteBuffer(bytes: Array("msg-42".utf8) + [0]))
        let stream = wire(first) + wire(second)
        var chunks: [[UInt8]] = []
        var offset = 0
        for size in [3, 7, 1, 5, 11, 2, 13, 100] where offset < stream.count {
            chunks.append(Array(stream[offset..<min(offset + size, stream.count)]))
            offset += size
        }
        #expect(chunks.joined().count == stream.count)

        // when
        var decoded: [SMPPPDU] = []
        var writtenWhenDecoded: [Int] = []
        var written = 0
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
            written += chunk.count
            while let pdu = try channel.readInbound(as: SMPPPDU.self) {
                decoded.append(pdu)
                writtenWhenDecoded.append(written)
            }
        }

        // then each PDU comes out as soon as its last octet is in, not before
        #expect(decoded == [first, second])
        #expect(writtenWhenDecoded == [16, stream.count])
        #expect(decoded.last?.status == .throttled)
        #expect(decoded.last.map { Array($0.body.readableBytesView) } == Array("msg-42".utf8) + [0])
        #expect(try channel.finish().isClean)
    }

    @Test("the frame decoder waits while only part of a PDU has arrived")
    func frameDecoderWaits() throws {
        // given
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMPPFrameDecoder()))
        let bytes = wire(SMPPPDU(command: .submitSM, sequence: 9, body: ByteBuffer(bytes: [1, 2, 3, 4])))

        // when
        try channel.writeInbound(ByteBuffer(bytes: bytes.dropLast()))
        let early = try channel.readInbound(as: SMPPPDU.self)
        try channel.writeInbound(ByteBuffer(bytes: bytes.suffix(1)))
        let complete = try channel.readInbound(as: SMPPPDU.self)

        // then
        #expect(early == nil)
        #expect(complete?.sequence == 9)
        #expect(complete.map { Array($0.body.readableBytesView) } == [1, 2, 3, 4])
        _ = try? channel.finish()
    }

    @Test("the frame decoder refuses a command_length under 16 or over 64 KiB", arguments: [
        0, 15, 64 * 1024 + 1, 0xFFFF_FFFF,
    ] as [UInt32])
    func frameDecoderRefusesLength(length: UInt32) {
        // given a header announcing an impossible length
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMPPFrameDecoder()))
        var buffer = ByteBuffer()
        buffer.writeInteger(length)
        buffer.writeInteger(SMPPCommand.enquireLink.rawValue)
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(1))

        // when / then
        #expect(throws: SMPPDecodingError.malformed("command_length \(length) is out of range")) {
            try channel.writeInbound(buffer)
        }
        _ = try? channel.finish()
    }

    @Test("the frame decoder accepts a command_length of exactly 64 KiB")
    func frameDecoderAcceptsLargestLength() throws {
        // given a header announcing 64 KiB
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMPPFrameDecoder()))
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(64 * 1024))
        buffer.writeInteger(SMPPCommand.deliverSM.rawValue)
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(3))

        // when
        try channel.writeInbound(buffer)
        try channel.writeInbound(ByteBuffer(repeating: 0, count: 64 * 1024 - 16))

        // then
        let pdu = try #require(try channel.readInbound(as: SMPPPDU.self))
        #expect(pdu.command == .deliverSM)
        #expect(pdu.body.readableBytes == 64 * 1024 - 16)
        #expect(try channel.finish().isClean)
    }

    @Test("a deliver_sm body is read field by field")
    func deliverSMParses() throws {
        // given a deliver_sm laid out by hand as section 4.6.1 describes it
        let text = Array("id:0123abcd stat:DELIVRD".utf8)
        let body = SMPPBodyBuilder.deliverSM(
            source: "23057123456", destination: "SelfCare", esmClass: 0x04, dataCoding: 0x00, shortMessage: text,
            tlvs: [(0x001E, Array("0123abcd".utf8) + [0]), (0x0427, [2])])

        // when
        let deliver = try DeliverSM(body: body.buffer)

        // then
        #expect(deliver.source == "23057123456")
        #expect(deliver.destination == "SelfCare")
        #expect(deliver.esmClass == 0x04)
        #expect(deliver.isDeliveryReceipt)
        #expect(deliver.dataCoding == 0)
        #expect(deliver.shortMessage == text)
        #expect(deliver.parameters == [
            SMPPOptionalParameter(tag: 0x001E, value: Array("0123abcd".utf8) + [0]),
            SMPPOptionalParameter(tag: 0x0427, value: [2]),
        ])
    }

    @Test("a deliver_sm whose short_message is cut short is malformed")
    func deliverSMCutShort() {
        // given sm_length 50 but only 5 octets of text
        var bytes = SMPPBodyBuilder.deliverSM(esmClass: 0x04, shortMessage: Array("hello".utf8)).bytes
        bytes[bytes.count - 6] = 50
        let buffer = ByteBuffer(bytes: bytes)

        // when / then
        #expect(throws: SMPPDecodingError.malformed("short_message is cut short")) { try DeliverSM(body: buffer) }
    }

    @Test("a deliver_sm whose last TLV is cut short is malformed")
    func deliverSMTruncatedTLV() {
        // given a TLV announcing 8 octets and carrying 3
        var body = SMPPBodyBuilder.deliverSM(esmClass: 0x04, shortMessage: Array("x".utf8))
        body.bytes += [0x00, 0x1E, 0x00, 0x08, 0x41, 0x42, 0x43]

        // when / then
        #expect(throws: SMPPDecodingError.self) { try DeliverSM(body: body.buffer) }
    }
}
