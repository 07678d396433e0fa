/// How a short message's text is coded on the air (SMPP `data_coding`).
package enum SMSCoding: UInt8, Sendable {
    /// GSM 03.38 default alphabet: 160 characters in one SMS, 153 per part of a long one.
    case gsm7 = 0x00
    /// UCS-2 (UTF-16 big-endian): 70 characters in one SMS, 67 per part.
    case ucs2 = 0x08
}

/// One `submit_sm` worth of a message: its bytes, and the concatenation header when the text needs several.
package struct ShortMessagePart: Sendable, Equatable {
    package var coding: SMSCoding
    /// The user data header (concatenation) or empty for a single-part message.
    package var header: [UInt8]
    package var payload: [UInt8]

    /// `short_message` as sent: header then payload.
    package var shortMessage: [UInt8] { header + payload }
    /// `esm_class`: UDHI set when a header is present.
    package var esmClass: UInt8 { header.isEmpty ? 0x00 : 0x40 }
}

/// Splits a text into SMS parts: GSM 7-bit when every character allows it, UCS-2 otherwise; long texts carry
/// 8-bit-reference concatenation headers and never split an escape sequence or a surrogate pair.
package enum ShortMessageSplitter {
    /// The most parts a concatenated message may have.
    package static let maximumParts = 255

    package enum SplitError: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(parts: Int)

        package var description: String {
            switch self {
            case .empty: "the message is empty"
            case .tooLong(let parts): "the message would need \(parts) SMS (at most \(ShortMessageSplitter.maximumParts))"
            }
        }
    }

    /// The parts of `text`; `reference` ties the parts of one message together on the handset.
    package static func split(_ text: String, reference: UInt8) throws -> [ShortMessagePart] {
        guard !text.isEmpty else { throw SplitError.empty }
        if let characters = GSM7.encode(text) {
            let chunks = chunk(characters, single: 160, multiple: 153)
            return try parts(chunks, coding: .gsm7, reference: reference)
        }
        let characters = text.unicodeScalars.map { scalar in
            Array(String(scalar).utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        }
        let chunks = chunk(characters, single: 140, multiple: 134)
        return try parts(chunks, coding: .ucs2, reference: reference)
    }

    /// Groups characters (each a run of bytes that must stay together) into runs of at most `single` bytes when
    /// all fit in one, else of at most `multiple` bytes each.
    private static func chunk(_ characters: [[UInt8]], single: Int, multiple: Int) -> [[UInt8]] {
        let total = characters.reduce(0) { $0 + $1.count }
        if total <= single { return [characters.flatMap { $0 }] }
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        for character in characters {
            if current.count + character.count > multiple {
                chunks.append(current)
                current = []
            }
            current += character
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    private static func parts(_ chunks: [[UInt8]], coding: SMSCoding, reference: UInt8) throws -> [ShortMessagePart] {
        guard chunks.count <= maximumParts else { throw SplitError.tooLong(parts: chunks.count) }
        if chunks.count == 1 { return [ShortMessagePart(coding: coding, header: [], payload: chunks[0])] }
        return chunks.enumerated().map { index, payload in
            ShortMessagePart(
                coding: coding, header: [0x05, 0x00, 0x03, reference, UInt8(chunks.count), UInt8(index + 1)], payload: payload)
        }
    }
}
