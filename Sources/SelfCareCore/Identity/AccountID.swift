/// A billing account's identifier, printed top-right on every bill: ten digits, the last a Luhn check digit.
public struct AccountID: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public static let length = 10

    /// The ten digits, without spaces.
    public let rawValue: String

    /// Accepts what people type (`1234 5678 97`, `1234-567897`) and checks the length and check digit.
    public init(_ text: String) throws(IdentifierError) {
        let cleaned = text.filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        guard !cleaned.isEmpty else { throw .empty }
        guard cleaned.allSatisfy(\.isASCIIDigit) else { throw .accountIDNotDigits }
        guard cleaned.count == Self.length else { throw .accountIDLength(cleaned.count) }
        guard CheckDigits.isValidLuhn(cleaned.map { Int(String($0))! }) else { throw .accountIDCheckDigit }
        rawValue = cleaned
    }

    /// Builds the identifier whose first nine digits are `body` (leading zeros kept) by appending its check digit.
    public init(body: Int) {
        precondition((0..<1_000_000_000).contains(body), "an Account ID body has nine digits")
        var digits = String(body)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        let check = CheckDigits.luhn(digits.map { Int(String($0))! })
        rawValue = digits + String(check)
    }

    /// A fresh identifier from `generator`; the first digit is never zero so the ID reads as a number.
    public static func random(using generator: inout some RandomNumberGenerator) -> AccountID {
        AccountID(body: Int.random(in: 100_000_000..<1_000_000_000, using: &generator))
    }

    /// The identifier grouped for reading: `1234 5678 97`.
    public var grouped: String {
        let characters = Array(rawValue)
        return String(characters[0..<4]) + " " + String(characters[4..<8]) + " " + String(characters[8...])
    }

    public var description: String { rawValue }

    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try AccountID(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension AccountID {
    /// Stored Account ID text as people read it (`1234 5678 97`); text that is not an Account ID as it is.
    public static func displayed(_ text: String) -> String {
        (try? AccountID(text))?.grouped ?? text
    }
}
