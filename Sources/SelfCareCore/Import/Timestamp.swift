import Foundation

/// Strict ISO 8601 timestamps with an offset: `2026-10-03T14:22:05+04:00`, `2026-10-03T10:22:05Z`,
/// optional fractional seconds (dropped: records count whole seconds).
public enum Timestamp {
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 60,
              let date = try? CalendarDay(year: year, month: month, day: day) else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        let offsetSeconds: Int
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            guard index + 1 == bytes.count else { return nil }
            offsetSeconds = 0
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "+") ? 1 : -1
            let rest = bytes.count - index - 1
            let hours: Int?
            let minutes: Int?
            if rest == 5, bytes[index + 3] == UInt8(ascii: ":") {
                hours = number(index + 1..<index + 3)
                minutes = number(index + 4..<index + 6)
            } else if rest == 4 {
                hours = number(index + 1..<index + 3)
                minutes = number(index + 3..<index + 5)
            } else if rest == 2 {
                hours = number(index + 1..<index + 3)
                minutes = 0
            } else {
                return nil
            }
            guard let hours, let minutes, hours <= 14, minutes < 60 else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The instant in operator time as ISO 8601: `2026-10-03T14:22:05+04:00`.
    public static func format(_ instant: Date) -> String {
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + OperatorTime.utcOffsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let day = CalendarDay(daysSinceEpoch: days)
        let secondOfDay = local - days * 86_400
        return "\(day.description)T\(zeroPadded(secondOfDay / 3600, width: 2)):\(zeroPadded(secondOfDay / 60 % 60, width: 2)):"
            + "\(zeroPadded(secondOfDay % 60, width: 2))+04:00"
    }
}
