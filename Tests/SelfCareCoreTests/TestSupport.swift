import Foundation
@testable import SelfCareCore

/// A tiny seeded generator (SplitMix64) so "random" tests replay identically on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Fixed instants built with Foundation's own calendar, independent of the code under test.
enum Instant {
    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// An instant given in UTC.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        utcCalendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
    }

    /// An instant given in Mauritius time (UTC+4, no daylight saving).
    static func mauritius(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        utc(year, month, day, hour, minute, second).addingTimeInterval(-4 * 3600)
    }
}

/// Shorthands for test data.
enum Fixture {
    static func money(_ text: String) -> Money {
        try! Money(decimal: text)
    }

    static func day(_ text: String) -> CalendarDay {
        try! CalendarDay(text)
    }

    static func period(_ text: String) -> BillingPeriod {
        try! BillingPeriod(text)
    }

    static let line = try! MSISDN("+23057123456")

    /// The plan of CONTRACT §3 (`POST499`), built in code.
    static let post499 = TariffPlan(
        code: "POST499", name: "Post Pay 499", monthlyFee: money("499.00"),
        allowance: .init(voiceMinutes: 100, sms: 500, dataMB: 5000),
        rates: .init(
            voiceOnNetPerMinute: money("1.50"), voiceOffNetPerMinute: money("2.00"),
            smsNational: money("1.00"), smsInternational: money("4.00"), dataPerMB: money("0.50"),
            roamingVoicePerMinute: money("35.00"), roamingSms: money("10.00"), roamingDataPerMB: money("150.00"),
            internationalPerMinute: ["default": money("12.00"), "+33": money("8.00"), "+91": money("5.00")]),
        onNetPrefixes: ["+2305"])

    /// POST499's rates with other allowances, so tests can reach an allowance's end in a few records.
    static func plan(voiceMinutes: Int64 = 100, sms: Int64 = 500, dataMB: Int64 = 5000) -> TariffPlan {
        var plan = post499
        plan.allowance = .init(voiceMinutes: voiceMinutes, sms: sms, dataMB: dataMB)
        return plan
    }

    /// A call of `line`, at home unless `roaming` is given.
    static func voice(
        _ id: String, at startedAt: Date = Instant.mauritius(2026, 10, 3, 10), seconds: Int64, to destination: String,
        roaming: String? = nil
    ) -> UsageRecord {
        UsageRecord(recordID: id, msisdn: line, type: .voice, startedAt: startedAt, durationSeconds: seconds,
                    destination: destination, roamingCountry: roaming)
    }

    static func sms(
        _ id: String, at startedAt: Date = Instant.mauritius(2026, 10, 3, 10), to destination: String, roaming: String? = nil
    ) -> UsageRecord {
        UsageRecord(recordID: id, msisdn: line, type: .sms, startedAt: startedAt, destination: destination,
                    roamingCountry: roaming)
    }

    static func data(
        _ id: String, at startedAt: Date = Instant.mauritius(2026, 10, 3, 10), bytes: Int64, roaming: String? = nil
    ) -> UsageRecord {
        UsageRecord(recordID: id, msisdn: line, type: .data, startedAt: startedAt, volumeBytes: bytes,
                    roamingCountry: roaming)
    }
}
