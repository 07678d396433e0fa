import Foundation

/// The operator's clock: Indian/Mauritius, UTC+4 all year (no daylight saving since 2009).
public enum OperatorTime {
    public static let utcOffsetSeconds = 4 * 3600
    public static let timeZone = TimeZone(identifier: "Indian/Mauritius") ?? TimeZone(secondsFromGMT: utcOffsetSeconds)!
}

/// A date without a time of day, in the operator's time zone.
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) throws(CalendarError) {
        guard (1900...9999).contains(year), (1...12).contains(month) else { throw .invalidDate("\(year)-\(month)-\(day)") }
        guard (1...Self.daysIn(year: year, month: month)).contains(day) else { throw .invalidDate("\(year)-\(month)-\(day)") }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init(_ text: String) throws(CalendarError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            throw .invalidDate(text)
        }
        do { try self.init(year: year, month: month, day: day) } catch { throw .invalidDate(text) }
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The operator-local day on which `instant` falls.
    public init(containing instant: Date) {
        let localSeconds = Int64(instant.timeIntervalSince1970.rounded(.down)) + Int64(OperatorTime.utcOffsetSeconds)
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400
        self = Self(daysSinceEpoch: Int(days))
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public init(daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public func adding(days: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + days) }

    /// Midnight at the start of this day, operator time.
    public var start: Date {
        Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch * 86_400 - OperatorTime.utcOffsetSeconds))
    }

    /// The billing period (month) this day belongs to.
    public var period: BillingPeriod { BillingPeriod(uncheckedYear: year, month: month) }

    public var description: String {
        "\(zeroPadded(year, width: 4))-\(zeroPadded(month, width: 2))-\(zeroPadded(day, width: 2))"
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try CalendarDay(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A calendar month of usage and billing (`2026-10`), in operator time.
public struct BillingPeriod: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// Parses `YYYY-MM`.
    public init(_ text: String) throws(CalendarError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), (1900...9999).contains(year), (1...12).contains(month) else {
            throw .invalidPeriod(text)
        }
        self.year = year
        self.month = month
    }

    init(uncheckedYear year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// The period that contains `instant`, operator time.
    public init(containing instant: Date) {
        self = CalendarDay(containing: instant).period
    }

    public var firstDay: CalendarDay { try! CalendarDay(year: year, month: month, day: 1) }
    public var lastDay: CalendarDay { try! CalendarDay(year: year, month: month, day: CalendarDay.daysIn(year: year, month: month)) }
    public var next: BillingPeriod { month == 12 ? .init(uncheckedYear: year + 1, month: 1) : .init(uncheckedYear: year, month: month + 1) }
    public var previous: BillingPeriod { month == 1 ? .init(uncheckedYear: year - 1, month: 12) : .init(uncheckedYear: year, month: month - 1) }

    /// The first instant of the period.
    public var start: Date { firstDay.start }
    /// The first instant after the period.
    public var end: Date { next.start }

    public func contains(_ instant: Date) -> Bool { instant >= start && instant < end }

    public var description: String { "\(zeroPadded(year, width: 4))-\(zeroPadded(month, width: 2))" }

    public static func < (lhs: BillingPeriod, rhs: BillingPeriod) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try BillingPeriod(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why a text is not a date or a period.
public enum CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidDate(String)
    case invalidPeriod(String)

    public var description: String {
        switch self {
        case .invalidDate(let text): "'\(text)' is not a date like 2026-10-31"
        case .invalidPeriod(let text): "'\(text)' is not a period like 2026-10"
        }
    }
}
