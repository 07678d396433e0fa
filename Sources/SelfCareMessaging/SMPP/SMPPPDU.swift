import NIOCore

/// An SMPP 3.4 command id (section 5.1.2.1).
package struct SMPPCommand: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    package static let genericNack = SMPPCommand(rawValue: 0x8000_0000)
    package static let bindReceiver = SMPPCommand(rawValue: 0x0000_0001)
    package static let bindTransmitter = SMPPCommand(rawValue: 0x0000_0002)
    package static let submitSM = SMPPCommand(rawValue: 0x0000_0004)
    package static let deliverSM = SMPPCommand(rawValue: 0x0000_0005)
    package static let unbind = SMPPCommand(rawValue: 0x0000_0006)
    package static let bindTransceiver = SMPPCommand(rawValue: 0x0000_0009)
    package static let enquireLink = SMPPCommand(rawValue: 0x0000_0015)

    /// Whether this is the response to a request.
    package var isResponse: Bool { rawValue & 0x8000_0000 != 0 }
    /// The response command for this request.
    package var response: SMPPCommand { SMPPCommand(rawValue: rawValue | 0x8000_0000) }

    package var description: String { "0x" + String(rawValue, radix: 16) }
}

/// An SMPP 3.4 `command_status` (section 5.1.3).
package struct SMPPStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    package static let ok = SMPPStatus(rawValue: 0x00)
    package static let invalidMessageLength = SMPPStatus(rawValue: 0x01)
    package static let invalidCommandID = SMPPStatus(rawValue: 0x03)
    package static let invalidBindStatus = SMPPStatus(rawValue: 0x04)
    package static let alreadyBound = SMPPStatus(rawValue: 0x05)
    package static let systemError = SMPPStatus(rawValue: 0x08)
    package static let invalidSourceAddress = SMPPStatus(rawValue: 0x0A)
    package static let invalidDestinationAddress = SMPPStatus(rawValue: 0x0B)
    package static let invalidPassword = SMPPStatus(rawValue: 0x0E)
    package static let invalidSystemID = SMPPStatus(rawValue: 0x0F)
    package static let messageQueueFull = SMPPStatus(rawValue: 0x14)
    package static let submitFailed = SMPPStatus(rawValue: 0x45)
    package static let throttled = SMPPStatus(rawValue: 0x58)

    /// Statuses after which the same PDU may succeed later (SMSC busy or failing for a while).
    package var isTransient: Bool {
        [.messageQueueFull, .throttled, .systemError, .submitFailed].contains(self)
    }

    package var description: String {
        switch self {
        case .ok: "ESME_ROK"
        case .throttled: "ESME_RTHROTTLED"
        case .messageQueueFull: "ESME_RMSGQFUL"
        case .invalidPassword: "ESME_RINVPASWD"
        case .invalidSystemID: "ESME_RINVSYSID"
        case .invalidDestinationAddress: "ESME_RINVDSTADR"
        case .invalidSourceAddress: "ESME_RINVSRCADR"
        case .invalidBindStatus: "ESME_RINVBNDSTS"
        case .systemError: "ESME_RSYSERR"
        case .submitFailed: "ESME_RSUBMITFAIL"
        default: "command_status 0x" + String(rawValue, radix: 16)
        }
    }
}

/// One SMPP protocol data unit: the 16-byte header and the command's body, undecoded.
package struct SMPPPDU: Sendable, Equatable {
    package var command: SMPPCommand
    package var status: SMPPStatus
    package var sequence: UInt32
    package var body: ByteBuffer

    package init(command: SMPPCommand, status: SMPPStatus = .ok, sequence: UInt32, body: ByteBuffer = ByteBuffer()) {
        self.command = command
        self.status = status
        self.sequence = sequence
        self.body = body
    }

    /// The response to this request, with an optional body.
    package func response(status: SMPPStatus = .ok, body: ByteBuffer = ByteBuffer()) -> SMPPPDU {
        SMPPPDU(command: command.response, status: status, sequence: sequence, body: body)
    }

    /// Writes the whole PDU, header included.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(16 + body.readableBytes))
        buffer.writeInteger(command.rawValue)
        buffer.writeInteger(status.rawValue)
        buffer.writeInteger(sequence)
        buffer.writeImmutableBuffer(body)
    }
}

/// A tagged optional parameter (TLV) of SMPP 3.4 section 5.3.
package struct SMPPOptionalParameter: Sendable, Equatable {
    package var tag: UInt16
    package var value: [UInt8]

    package static let receiptedMessageID: UInt16 = 0x001E
    package static let messageState: UInt16 = 0x0427
}

extension ByteBuffer {
    /// Writes a C-Octet String (NUL-terminated).
    package mutating func writeCOctetString(_ string: String) {
        writeString(string)
        writeInteger(UInt8(0))
    }

    /// Reads a C-Octet String of at most `maximumLength` octets including its NUL.
    package mutating func readCOctetString(maximumLength: Int = 256) throws(SMPPDecodingError) -> String {
        guard let end = readableBytesView.prefix(maximumLength).firstIndex(of: 0) else {
            throw .malformed("a C-Octet String has no terminating NUL within \(maximumLength) octets")
        }
        let length = end - readerIndex
        let string = readString(length: length) ?? ""
        moveReaderIndex(forwardBy: 1)
        return string
    }

    package mutating func readByte() throws(SMPPDecodingError) -> UInt8 {
        guard let byte = readInteger(as: UInt8.self) else { throw .malformed("the body ends early") }
        return byte
    }

    /// Reads the TLVs that end a body.
    package mutating func readOptionalParameters() throws(SMPPDecodingError) -> [SMPPOptionalParameter] {
        var parameters: [SMPPOptionalParameter] = []
        while readableBytes > 0 {
            guard let tag = readInteger(as: UInt16.self), let length = readInteger(as: UInt16.self),
                  let value = readBytes(length: Int(length))
            else { throw .malformed("an optional parameter is cut short") }
            parameters.append(SMPPOptionalParameter(tag: tag, value: value))
        }
        return parameters
    }

    package mutating func writeOptionalParameter(_ parameter: SMPPOptionalParameter) {
        writeInteger(parameter.tag)
        writeInteger(UInt16(parameter.value.count))
        writeBytes(parameter.value)
    }
}

/// A PDU that does not follow the specification.
package enum SMPPDecodingError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    package var description: String {
        switch self { case .malformed(let reason): "malformed SMPP PDU: \(reason)" }
    }
}

/// Frames the byte stream into PDUs by their `command_length`.
package struct SMPPFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = SMPPPDU
    /// Larger PDUs are refused: a `submit_sm` or `deliver_sm` is a few hundred octets.
    static let maximumLength: UInt32 = 64 * 1024

    package init() {}

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length >= 16, length <= Self.maximumLength else {
            throw SMPPDecodingError.malformed("command_length \(length) is out of range")
        }
        guard buffer.readableBytes >= Int(length), var frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        frame.moveReaderIndex(forwardBy: 4)
        let command = frame.readInteger(as: UInt32.self)!
        let status = frame.readInteger(as: UInt32.self)!
        let sequence = frame.readInteger(as: UInt32.self)!
        context.fireChannelRead(wrapInboundOut(SMPPPDU(
            command: SMPPCommand(rawValue: command), status: SMPPStatus(rawValue: status), sequence: sequence, body: frame)))
        return .continue
    }
}

/// Writes PDUs to the wire.
package struct SMPPFrameEncoder: MessageToByteEncoder {
    package typealias OutboundIn = SMPPPDU

    package init() {}

    package func encode(data: SMPPPDU, out: inout ByteBuffer) throws {
        data.write(to: &out)
    }
}
