import Foundation
import NIOCore

/// How the client binds: a transceiver also receives delivery receipts on the same link.
package enum SMPPBindMode: String, Sendable {
    case transmitter
    case transceiver

    var command: SMPPCommand { self == .transmitter ? .bindTransmitter : .bindTransceiver }
}

/// The bodies of the requests the client sends (SMPP 3.4 sections 4.1 and 4.4).
package enum SMPPOperations {
    /// `bind_transmitter` / `bind_transceiver` body for interface version 3.4.
    package static func bindBody(systemID: String, password: String, systemType: String = "") -> ByteBuffer {
        var body = ByteBuffer()
        body.writeCOctetString(String(systemID.prefix(15)))
        body.writeCOctetString(String(password.prefix(8)))
        body.writeCOctetString(String(systemType.prefix(12)))
        body.writeInteger(UInt8(0x34))
        body.writeInteger(UInt8(0))
        body.writeInteger(UInt8(0))
        body.writeCOctetString("")
        return body
    }

    /// `submit_sm` body for one part, asking for a delivery receipt when `receipt` is set; `reference` is an optional
    /// parameter carrying the message's id, for an SMSC agreed to read it.
    package static func submitBody(
        source: String, destination: String, part: ShortMessagePart, receipt: Bool, reference: SMPPOptionalParameter? = nil
    ) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeCOctetString("")
        let (sourceTON, sourceNPI) = addressType(source)
        body.writeInteger(sourceTON)
        body.writeInteger(sourceNPI)
        body.writeCOctetString(source.hasPrefix("+") ? String(source.dropFirst()) : source)
        body.writeInteger(UInt8(1))
        body.writeInteger(UInt8(1))
        body.writeCOctetString(destination.hasPrefix("+") ? String(destination.dropFirst()) : destination)
        body.writeInteger(part.esmClass)
        body.writeInteger(UInt8(0))
        body.writeInteger(UInt8(0))
        body.writeCOctetString("")
        body.writeCOctetString("")
        body.writeInteger(UInt8(receipt ? 0x01 : 0x00))
        body.writeInteger(UInt8(0))
        body.writeInteger(part.coding.rawValue)
        body.writeInteger(UInt8(0))
        let shortMessage = part.shortMessage
        body.writeInteger(UInt8(shortMessage.count))
        body.writeBytes(shortMessage)
        if let reference { body.writeOptionalParameter(reference) }
        return body
    }

    /// TON/NPI of a source address: international numbers, national short codes, or an alphanumeric sender.
    static func addressType(_ address: String) -> (ton: UInt8, npi: UInt8) {
        if address.hasPrefix("+") { return (1, 1) }
        if !address.isEmpty, address.allSatisfy(\.isNumber) { return address.count <= 6 ? (3, 0) : (1, 1) }
        return (5, 0)
    }

    /// The `message_id` of a `submit_sm_resp`.
    package static func messageID(fromSubmitResponse body: ByteBuffer) throws(SMPPDecodingError) -> String {
        var body = body
        return try body.readCOctetString(maximumLength: 65)
    }
}

/// A `deliver_sm` as the SMSC sends it: a delivery receipt or a mobile-originated message.
package struct DeliverSM: Sendable, Equatable {
    package var source: String
    package var destination: String
    package var esmClass: UInt8
    package var dataCoding: UInt8
    package var shortMessage: [UInt8]
    package var parameters: [SMPPOptionalParameter]

    /// Whether it carries an SMSC delivery receipt (esm_class message type 0b0001 in bits 2–5).
    package var isDeliveryReceipt: Bool { esmClass & 0x3C == 0x04 }

    package init(body: ByteBuffer) throws(SMPPDecodingError) {
        var body = body
        _ = try body.readCOctetString(maximumLength: 6)
        _ = try body.readByte()
        _ = try body.readByte()
        source = try body.readCOctetString(maximumLength: 21)
        _ = try body.readByte()
        _ = try body.readByte()
        destination = try body.readCOctetString(maximumLength: 21)
        esmClass = try body.readByte()
        _ = try body.readByte()
        _ = try body.readByte()
        _ = try body.readCOctetString(maximumLength: 17)
        _ = try body.readCOctetString(maximumLength: 17)
        _ = try body.readByte()
        _ = try body.readByte()
        dataCoding = try body.readByte()
        _ = try body.readByte()
        let length = try body.readByte()
        guard let message = body.readBytes(length: Int(length)) else { throw .malformed("short_message is cut short") }
        shortMessage = message
        parameters = try body.readOptionalParameters()
    }
}

/// What an SMSC delivery receipt says about one submitted part.
package struct DeliveryReceipt: Sendable, Equatable {
    /// The SMSC's id of the part, as `submit_sm_resp` returned it.
    package var messageID: String
    /// `DELIVRD`, `UNDELIV`, `EXPIRED`, `REJECTD`, `DELETED`, `ACCEPTD`, `UNKNOWN`, or `ENROUTE`.
    package var state: String
    package var errorCode: String?

    package init(messageID: String, state: String, errorCode: String? = nil) {
        self.messageID = messageID
        self.state = state
        self.errorCode = errorCode
    }

    /// Whether the handset got it.
    package var isDelivered: Bool { state == "DELIVRD" }
    /// Whether it will never arrive.
    package var isFinalFailure: Bool { ["UNDELIV", "EXPIRED", "REJECTD", "DELETED", "UNKNOWN"].contains(state) }

    private static let states: [UInt8: String] = [
        1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD",
    ]

    /// Reads a receipt from the TLVs when present (`receipted_message_id`, `message_state`), else from the text
    /// format of SMPP 3.4 Appendix B (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`).
    package init?(_ deliver: DeliverSM) {
        guard deliver.isDeliveryReceipt else { return nil }
        let text = String(decoding: deliver.shortMessage, as: UTF8.self)
        let fields = Self.fields(text)
        let tlvID = deliver.parameters.first { $0.tag == SMPPOptionalParameter.receiptedMessageID }
            .map { String(decoding: $0.value.prefix { $0 != 0 }, as: UTF8.self) }
        let tlvState = deliver.parameters.first { $0.tag == SMPPOptionalParameter.messageState }?.value.first
            .flatMap { Self.states[$0] }
        guard let id = tlvID ?? fields["id"], !id.isEmpty, let state = tlvState ?? fields["stat"] else { return nil }
        self.init(messageID: id, state: state.uppercased(), errorCode: fields["err"])
    }

    /// `key:value` pairs of the receipt text, keys in any case; keys may contain a space (`submit date`).
    static func fields(_ text: String) -> [String: String] {
        let bytes = Array(text.utf8)
        let lowered = bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }
        var result: [String: String] = [:]
        for key in ["id", "sub", "dlvrd", "submit date", "done date", "stat", "err"] {
            let pattern = Array((key + ":").utf8)
            guard lowered.count >= pattern.count,
                  let start = (0...(lowered.count - pattern.count)).first(where: { lowered[$0..<($0 + pattern.count)].elementsEqual(pattern) })
            else { continue }
            let value = bytes[(start + pattern.count)...].prefix { $0 != 0x20 }
            result[key] = String(decoding: value, as: UTF8.self)
        }
        return result
    }
}
