import Foundation

/// A Mauritian mobile number, stored in E.164 (`+2305XXXXXXX`).
public struct MSISDN: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public static let countryCode = "230"

    /// The number in E.164, e.g. `+23057123456`.
    public let e164: String

    /// Accepts what people type: `5712 3456`, `+230 5712 3456`, `57123456`, `00230 57123456`, `(230) 5712-3456`.
    public init(_ text: String) throws(MSISDNError) {
        // Already in E.164 (`+2305` and seven digits), as import files and the database carry it.
        if text.utf8.count == 12, text.utf8.starts(with: "+2305".utf8), text.utf8.dropFirst(5).allSatisfy({ (0x30...0x39).contains($0) }) {
            e164 = text
            return
        }
        let trimmed = text.trimmedSpaces
        guard !trimmed.isEmpty else { throw .empty }
        var digits: [UInt8] = []
        digits.reserveCapacity(15)
        for (index, byte) in trimmed.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            case UInt8(ascii: "+") where index == 0: continue
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."): continue
            default:
                let offset = trimmed.utf8.index(trimmed.utf8.startIndex, offsetBy: index)
                throw .invalidCharacter(String(trimmed[offset...].prefix(1)))
            }
        }
        if digits.starts(with: [0x30, 0x30]) { digits.removeFirst(2) }
        if digits.count == 11, digits.starts(with: Array(Self.countryCode.utf8)) { digits.removeFirst(3) }
        guard digits.count == 8 else { throw .wrongLength(digits.count) }
        guard digits.first == UInt8(ascii: "5") else { throw .notMobile }
        e164 = "+" + Self.countryCode + String(decoding: digits, as: UTF8.self)
    }

    /// The national part grouped for reading: `5712 3456`.
    public var national: String {
        let digits = Array(e164.dropFirst(4))
        return String(digits[0..<4]) + " " + String(digits[4...])
    }

    /// The number for display: `+230 5712 3456`.
    public var formatted: String { "+230 " + national }

    public var description: String { e164 }

    public static func < (lhs: MSISDN, rhs: MSISDN) -> Bool { lhs.e164 < rhs.e164 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try MSISDN(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

/// Why a text is not a Mauritian mobile number.
public enum MSISDNError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case invalidCharacter(String)
    case wrongLength(Int)
    case notMobile

    public var description: String {
        switch self {
        case .empty: "mobile number is empty"
        case .invalidCharacter(let character): "'\(character)' cannot appear in a mobile number"
        case .wrongLength(let count): "a Mauritian mobile number has 8 digits after +230, not \(count)"
        case .notMobile: "a Mauritian mobile number starts with 5"
        }
    }
}

/// A destination number in E.164 (any country), as found in usage records.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    public let e164: String

    /// Accepts `+` followed by 6 to 15 digits (spaces ignored).
    public init(_ text: String) throws(MSISDNError) {
        // What import files carry, checked byte by byte; anything else (spaces, errors) takes the general path.
        if Self.isPlainE164(text) {
            e164 = text
            return
        }
        let compact = text.filter { $0 != " " }
        guard !compact.isEmpty else { throw .empty }
        guard compact.first == "+" else { throw .invalidCharacter(String(compact.first!)) }
        let digits = compact.dropFirst()
        if let bad = digits.first(where: { !$0.isASCIIDigit }) { throw .invalidCharacter(String(bad)) }
        guard (6...15).contains(digits.count) else { throw .wrongLength(digits.count) }
        e164 = compact
    }

    /// `+` then 6 to 15 ASCII digits, nothing else.
    private static func isPlainE164(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "+") else { return false }
        var digits = 0
        while let byte = bytes.next() {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return false }
            digits += 1
        }
        return (6...15).contains(digits)
    }

    /// True when the number is Mauritian (`+230…`).
    public var isNational: Bool { e164.hasPrefix("+" + MSISDN.countryCode) }

    public var description: String { e164 }
}
