import Foundation
import NIOCore

/// Reads an SMPP body field by field, independently of the code under test.
struct SMPPBodyReader {
    private var bytes: [UInt8]
    private var index = 0

    init(_ buffer: ByteBuffer) {
        bytes = Array(buffer.readableBytesView)
    }

    var remaining: Int { bytes.count - index }

    mutating func byte() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func uint16() -> UInt16? {
        guard let high = byte(), let low = byte() else { return nil }
        return UInt16(high) << 8 | UInt16(low)
    }

    /// A C-Octet String without its NUL, or nil when no NUL follows.
    mutating func cString() -> String? {
        guard let end = bytes[index...].firstIndex(of: 0) else { return nil }
        defer { index = end + 1 }
        return String(decoding: bytes[index..<end], as: UTF8.self)
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard remaining >= count else { return nil }
        defer { index += count }
        return Array(bytes[index..<index + count])
    }
}

/// Builds SMPP bodies byte by byte, as the specification lays them out.
struct SMPPBodyBuilder {
    var bytes: [UInt8] = []

    mutating func cString(_ string: String) {
        bytes += Array(string.utf8) + [0]
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func tlv(tag: UInt16, value: [UInt8]) {
        bytes += [UInt8(tag >> 8), UInt8(tag & 0xFF), UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    /// A `deliver_sm` body (SMPP 3.4 section 4.6.1) from the SMSC: a handset `source` to our `destination`.
    static func deliverSM(
        source: String = "23057123456", destination: String = "SelfCare", esmClass: UInt8, dataCoding: UInt8 = 0,
        shortMessage: [UInt8], tlvs: [(tag: UInt16, value: [UInt8])] = []
    ) -> SMPPBodyBuilder {
        var body = SMPPBodyBuilder()
        body.cString("")  // service_type
        body.byte(1)  // source_addr_ton
        body.byte(1)  // source_addr_npi
        body.cString(source)
        body.byte(5)  // dest_addr_ton
        body.byte(0)  // dest_addr_npi
        body.cString(destination)
        body.byte(esmClass)
        body.byte(0)  // protocol_id
        body.byte(0)  // priority_flag
        body.cString("")  // schedule_delivery_time
        body.cString("")  // validity_period
        body.byte(0)  // registered_delivery
        body.byte(0)  // replace_if_present_flag
        body.byte(dataCoding)
        body.byte(0)  // sm_default_msg_id
        body.byte(UInt8(shortMessage.count))  // sm_length
        body.bytes += shortMessage
        for tlv in tlvs {
            body.tlv(tag: tlv.tag, value: tlv.value)
        }
        return body
    }
}

/// The big-endian UTF-16 code units of UCS-2 payload bytes.
func utf16Units(_ bytes: [UInt8]) -> [UInt16] {
    stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
}

/// A MIME entity read back from rendered lines: unfolded headers and its body lines.
struct ParsedEntity {
    var headers: [(name: String, value: String)] = []
    var body: [String] = []

    init<Lines: Collection<String>>(lines: Lines) {
        var iterator = lines.makeIterator()
        while let line = iterator.next() {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += line
            } else if let colon = line.firstIndex(of: ":") {
                let value = line[line.index(after: colon)...].drop { $0 == " " }
                headers.append((String(line[..<colon]), String(value)))
            }
        }
        while let line = iterator.next() {
            body.append(line)
        }
    }

    /// The unfolded value of the first header named `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The media type, without parameters.
    var mediaType: String? {
        header("Content-Type").map { String($0.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// A quoted parameter of a header (`boundary="…"`, `filename="…"`).
    func parameter(_ parameter: String, of name: String) -> String? {
        guard let value = header(name), let start = value.range(of: "\(parameter)=\"") else { return nil }
        return String(value[start.upperBound...].prefix { $0 != "\"" })
    }

    /// The parts of a multipart entity, in order; empty when the closing delimiter is missing.
    var parts: [ParsedEntity] {
        guard let boundary = parameter("boundary", of: "Content-Type") else { return [] }
        var parts: [[String]] = []
        var current: [String]?
        for line in body {
            if line == "--\(boundary)--" {
                if let current { parts.append(current) }
                return parts.map { ParsedEntity(lines: $0) }
            } else if line == "--\(boundary)" {
                if let current { parts.append(current) }
                current = []
            } else {
                current?.append(line)
            }
        }
        return []
    }
}

/// The lines of a rendered message, without the empty string after its final CRLF.
func renderedLines(_ rendered: String) -> [String] {
    var lines = rendered.components(separatedBy: "\r\n")
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// Decodes quoted-printable lines (RFC 2045 section 6.7): `=XX` octets, `=` at the end of a line is a soft break.
func decodeQuotedPrintable(_ lines: [String]) -> String? {
    var bytes: [UInt8] = []
    for (number, line) in lines.enumerated() {
        var octets = Array(line.utf8)
        let soft = octets.last == UInt8(ascii: "=")
        if soft { octets.removeLast() }
        var index = 0
        while index < octets.count {
            if octets[index] == UInt8(ascii: "=") {
                guard index + 2 < octets.count,
                      let value = UInt8(String(decoding: octets[index + 1...index + 2], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
                index += 3
            } else {
                bytes.append(octets[index])
                index += 1
            }
        }
        if !soft, number < lines.count - 1 { bytes.append(UInt8(ascii: "\n")) }
    }
    return String(bytes: bytes, encoding: .utf8)
}
