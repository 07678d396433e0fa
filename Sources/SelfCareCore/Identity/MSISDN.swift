import Foundation

/// A Mauritian mobile number, stored in E.164 (`+2305XXXXXXX`).
public struct MSISDN: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public static let countryCode = "230"

    /// The number in E.164, e.g. `+23057123456`.
    public let e164: String

    /// Accepts what people type: `5712 3456`, `+230 5712 3456`, `57123456`, `00230 57123456`, `(230) 5712-3456`.
    public init(_ text: String) throws(MSISDNError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        var digits = ""
        for (index, character) in trimmed.enumerated() {
            if character.isASCIIDigit {
                digits.append(character)
            } else if character == "+" && index == 0 {
                continue
            } else if character == " " || character == "-" || character == "(" || character == ")" || character == "." {
                continue
            } else {
                throw .invalidCharacter(String(character))
            }
        }
        if digits.hasPrefix("00") { digits.removeFirst(2) }
        if digits.count == 11, digits.hasPrefix(Self.countryCode) { digits.removeFirst(3) }
        guard digits.count == 8 else { throw .wrongLength(digits.count) }
        guard digits.first == "5" else { throw .notMobile }
        e164 = "+" + Self.countryCode + digits
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
        let compact = text.filter { $0 != " " }
        guard !compact.isEmpty else { throw .empty }
        guard compact.first == "+" else { throw .invalidCharacter(String(compact.first!)) }
        let digits = compact.dropFirst()
        if let bad = digits.first(where: { !$0.isASCIIDigit }) { throw .invalidCharacter(String(bad)) }
        guard (6...15).contains(digits.count) else { throw .wrongLength(digits.count) }
        e164 = compact
    }

    /// True when the number is Mauritian (`+230…`).
    public var isNational: Bool { e164.hasPrefix("+" + MSISDN.countryCode) }

    public var description: String { e164 }
}
