import Foundation

/// An amount in Mauritian rupees held as integer cents; never a floating-point value.
public struct Money: Sendable, Hashable, Comparable, Codable {
    /// The amount in cents (1/100 rupee).
    public var cents: Int64

    public static let currency = "MUR"
    public static let zero = Money(cents: 0)

    public init(cents: Int64) {
        self.cents = cents
    }

    /// Parses an exact decimal such as `499`, `499.5`, `1234.50` or `-3.10`; more than two decimals is an error.
    public init(decimal text: String) throws(MoneyParseError) {
        var text = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !text.isEmpty else { throw .empty }
        var negative = false
        if text.first == "-" {
            negative = true
            text = text.dropFirst()
        } else if text.first == "+" {
            text = text.dropFirst()
        }
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              whole.allSatisfy(\.isASCIIDigit) else { throw .notANumber(String(text)) }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit) else { throw .notANumber(String(text)) }
        guard parts.count == 1 || !fraction.isEmpty else { throw .notANumber(String(text)) }
        guard fraction.count <= 2 else { throw .tooManyDecimals(String(text)) }
        guard whole.count <= 15, let rupees = Int64(whole) else { throw .outOfRange(String(text)) }
        let paddedFraction = fraction.padding(toLength: 2, withPad: "0", startingAt: 0)
        let cents = rupees * 100 + Int64(paddedFraction)!
        self.cents = negative ? -cents : cents
    }

    /// The amount as a plain decimal with two places: `1234.50`, `-0.05`.
    public var decimalString: String {
        let magnitude = cents.magnitude
        let rupees = magnitude / 100
        let fraction = magnitude % 100
        let sign = cents < 0 ? "-" : ""
        return "\(sign)\(rupees).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// The amount as a person reads it in `language`: `Rs 1,234.50` or `1 234,50 Rs`.
    public func formatted(_ language: Language) -> String {
        let magnitude = cents.magnitude
        let rupees = String(magnitude / 100)
        let fraction = magnitude % 100
        let separator: Character = language == .french ? "\u{202F}" : ","
        var grouped = ""
        for (index, digit) in rupees.enumerated() {
            if index > 0, (rupees.count - index) % 3 == 0 { grouped.append(separator) }
            grouped.append(digit)
        }
        let sign = cents < 0 ? "-" : ""
        let fractionText = (fraction < 10 ? "0" : "") + String(fraction)
        switch language {
        case .french: return "\(sign)\(grouped),\(fractionText)\u{00A0}Rs"
        case .english: return "\(sign)Rs\u{00A0}\(grouped).\(fractionText)"
        }
    }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents + rhs.cents) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents - rhs.cents) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.cents += rhs.cents }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.cents -= rhs.cents }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }

    /// `rate` percent of this amount, rounded half up to the cent (half away from zero for negatives).
    public func percentage(_ rate: Int64) -> Money {
        let scaled = cents * rate
        let rounded = scaled >= 0 ? (scaled + 50) / 100 : -((-scaled + 50) / 100)
        return Money(cents: rounded)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Money(decimal: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}

/// Why a text is not an amount.
public enum MoneyParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case notANumber(String)
    case tooManyDecimals(String)
    case outOfRange(String)

    public var description: String {
        switch self {
        case .empty: "amount is empty"
        case .notANumber(let text): "'\(text)' is not an amount like 1234.50"
        case .tooManyDecimals(let text): "'\(text)' has more than two decimals"
        case .outOfRange(let text): "'\(text)' is too large"
        }
    }
}

extension Character {
    /// True for the ten ASCII digits only (not other Unicode digits).
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
