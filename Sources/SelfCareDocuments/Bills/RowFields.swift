import SelfCareCore

/// The quantity and charge of an itemised row, formatted straight into a `PDFText` exactly as `UsageFormatting` and
/// `Money.formatted(_:)` write them (a test holds them to it).
extension PDFText {
    /// `5:07`, `1 SMS`, `12.35 MB`, as `UsageFormatting.quantity(_:_:)`.
    mutating func appendQuantity(_ usage: RatedUsage, _ language: Language) {
        switch usage.record.type {
        case .voice:
            let seconds = usage.record.durationSeconds
            appendInteger(seconds / 60)
            append(":")
            if seconds % 60 < 10 { append("0") }
            appendInteger(seconds % 60)
        case .sms: append("1 SMS")
        case .data:
            let hundredths = (usage.quantity + 5_000) / 10_000
            appendInteger(hundredths / 100)
            append(language == .french ? "," : ".")
            if hundredths % 100 < 10 { append("0") }
            appendInteger(hundredths % 100)
            append(" MB")
        }
    }

    /// `Rs 1,234.50` or `1 234,50 Rs`, as `Money.formatted(_:)`.
    mutating func appendMoney(_ amount: Money, _ language: Language) {
        let magnitude = amount.cents.magnitude
        if amount.cents < 0 { append("-") }
        switch language {
        case .french:
            appendGrouped(magnitude / 100, separator: "\u{202F}")
            append(",")
            appendTwoDigits(Int(magnitude % 100))
            append("\u{00A0}Rs")
        case .english:
            append("Rs\u{00A0}")
            appendGrouped(magnitude / 100, separator: ",")
            append(".")
            appendTwoDigits(Int(magnitude % 100))
        }
    }

    /// `value` in decimal with `separator` between groups of three digits.
    private mutating func appendGrouped(_ value: UInt64, separator: Unicode.Scalar) {
        var divisor: UInt64 = 1
        var digits = 1
        while value / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        for index in 0..<digits {
            if index > 0, (digits - index) % 3 == 0 { append(separator) }
            appendInteger(value / divisor % 10)
            divisor /= 10
        }
    }
}
