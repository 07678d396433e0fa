import Foundation

/// Rules for one-time codes sent by SMS: 6 random digits, valid 10 minutes, single use, 5 wrong tries kill the
/// code, a minute between two sends for an identifier, at most 5 codes an hour and 10 a day per identifier and 20 a
/// day per client address, and after 15 wrong codes in a day the identifier's codes stop until the next day.
public struct OneTimeCodePolicy: Sendable {
    public var digits = 6
    public var lifetime: TimeInterval = 10 * 60
    public var maximumAttempts = 5
    public var maximumCodesPerHour = 5
    public var resendWait: TimeInterval = 60
    public var maximumCodesPerDay = 10
    public var maximumCodesPerAddressPerDay = 20
    public var maximumFailuresPerDay = 15

    public init() {}

    /// A fresh code of `digits` digits, uniformly drawn from `generator`.
    public func newCode(using generator: inout some RandomNumberGenerator) -> String {
        var limit = 1
        for _ in 0..<digits { limit *= 10 }
        let value = Int.random(in: 0..<limit, using: &generator)
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// True when `text` has the shape of a code (digits only, spaces ignored).
    public func isWellFormed(_ text: String) -> Bool {
        let compact = text.filter { !$0.isWhitespace }
        return compact.count == digits && compact.allSatisfy(\.isASCIIDigit)
    }
}
