import Foundation
import SelfCareCore

/// The local time of a record, `2026-10-03 14:22`, as `UsageFormatting.localTime(_:)` writes it; the date is formatted
/// once for all the records of a day.
struct LocalTimeText {
    private var days = Int.min
    /// `2026-10-03 `, or nil for a year that is not four digits long (written by `UsageFormatting` instead).
    private var date: PDFText?

    mutating func append(_ instant: Date, to text: inout PDFText) {
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + OperatorTime.utcOffsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        if days != self.days {
            self.days = days
            date = Self.date(CalendarDay(daysSinceEpoch: days))
        }
        guard let date else {
            text.append(UsageFormatting.localTime(instant))
            return
        }
        let secondOfDay = local - days * 86_400
        text.append(date)
        text.appendTwoDigits(secondOfDay / 3_600)
        text.append(":")
        text.appendTwoDigits(secondOfDay / 60 % 60)
    }

    private static func date(_ day: CalendarDay) -> PDFText? {
        guard (1_000...9_999).contains(day.year) else { return nil }
        var text = PDFText()
        text.appendInteger(day.year)
        text.append("-")
        text.appendTwoDigits(day.month)
        text.append("-")
        text.appendTwoDigits(day.day)
        text.append(" ")
        return text
    }
}
