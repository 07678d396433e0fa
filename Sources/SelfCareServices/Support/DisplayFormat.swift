import Foundation
import SelfCareCore
import SelfCareStore

/// How dates, amounts and quantities read in each language.
package enum DisplayFormat {
    /// `22 novembre 2026` / `22 November 2026`.
    package static func day(_ day: CalendarDay, _ language: Language) -> String {
        CalendarText.day(day, language)
    }

    package static func day(_ text: String, _ language: Language) -> String {
        (try? CalendarDay(text)).map { day($0, language) } ?? text
    }

    /// `octobre 2026` / `October 2026`.
    package static func period(_ period: BillingPeriod, _ language: Language) -> String {
        CalendarText.period(period, language)
    }

    package static func period(_ text: String, _ language: Language) -> String {
        (try? BillingPeriod(text)).map { period($0, language) } ?? text
    }

    /// Short month for charts: `oct.` / `Oct`.
    package static func shortPeriod(_ text: String, _ language: Language) -> String {
        guard let period = try? BillingPeriod(text) else { return text }
        return CalendarText.shortMonthName(period.month, language)
    }

    /// `20 novembre 2026 à 10:03` / `20 November 2026, 10:03`: a moment a record keeps (receipts, payments, messages).
    package static func moment(_ date: Date, _ language: Language) -> String {
        let clock = Timestamp.format(date).dropFirst(11).prefix(5)
        let day = CalendarText.day(CalendarDay(containing: date), language)
        return language == .french ? "\(day) à \(clock)" : "\(day), \(clock)"
    }

    /// A country's name from its ISO 3166 code (`IN` → `Inde` / `India`); the code itself when the name is unknown.
    package static func country(_ code: String, _ language: Language) -> String {
        Locale(identifier: language.rawValue).localizedString(forRegionCode: code) ?? code
    }

    /// `3 oct. 14:22` style local time of a record.
    package static func time(_ date: Date, _ language: Language) -> String {
        let text = Timestamp.format(date)
        let day = CalendarDay(containing: date)
        return "\(day.day) \(CalendarText.shortMonthName(day.month, language)) \(text.dropFirst(11).prefix(5))"
    }

    /// Minutes, messages or megabytes with their unit.
    package static func quantity(_ quantity: Int64, unit: UsageUnit, _ language: Language) -> String {
        switch unit {
        case .minute: "\(quantity) min"
        case .message: "\(quantity) SMS"
        case .byte: megabytes(quantity, language)
        }
    }

    package static func megabytes(_ bytes: Int64, _ language: Language) -> String {
        if bytes >= 1_000_000_000 {
            let tenths = (bytes + 50_000_000) / 100_000_000
            return "\(tenths / 10)\(language == .french ? "," : ".")\(tenths % 10) GB"
        }
        return "\((bytes + 500_000) / 1_000_000) MB"
    }

    /// A record's duration `4:05` or volume.
    package static func usageAmount(_ usage: RatedUsage, _ language: Language) -> String {
        switch usage.record.type {
        case .voice:
            let seconds = usage.record.durationSeconds
            return "\(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)"
        case .sms: return "1 SMS"
        case .data: return megabytes(usage.quantity, language)
        }
    }
}
