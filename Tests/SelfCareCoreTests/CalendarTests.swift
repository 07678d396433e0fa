import Foundation
import Testing
@testable import SelfCareCore

/// CalendarDay and BillingPeriod: dates and months in Mauritius time (UTC+4).
@Suite("Calendar")
struct CalendarTests {
    // MARK: CalendarDay

    @Test("parses YYYY-MM-DD", arguments: [
        ("2026-10-31", 2026, 10, 31), ("2028-02-29", 2028, 2, 29), ("2000-02-29", 2000, 2, 29),
        ("1900-01-01", 1900, 1, 1), ("9999-12-31", 9999, 12, 31),
    ])
    func parsesDays(text: String, year: Int, month: Int, day: Int) throws {
        // given
        // when
        let parsed = try CalendarDay(text)

        // then
        #expect(parsed.year == year)
        #expect(parsed.month == month)
        #expect(parsed.day == day)
        #expect(parsed.description == text)
    }

    @Test("refuses what is not a real date", arguments: [
        "2026-02-29",  // not a leap year
        "1900-02-29",  // century, not a leap year
        "2026-04-31", "2026-13-01", "2026-00-10", "2026-10-00", "2026-1-05", "26-10-05", "2026/10/05", "2026-10-05T10:00",
        "", "1899-12-31", "abcd-ef-gh",
    ])
    func refusesInvalidDays(text: String) {
        // given a wrong date
        // when / then
        #expect(throws: CalendarError.invalidDate(text)) { try CalendarDay(text) }
    }

    @Test("knows the days in each month", arguments: [
        (2026, 1, 31), (2026, 2, 28), (2028, 2, 29), (2000, 2, 29), (2100, 2, 28), (2026, 4, 30), (2026, 9, 30),
        (2026, 11, 30), (2026, 12, 31),
    ])
    func daysInMonth(year: Int, month: Int, days: Int) {
        // given a month
        // when
        let count = CalendarDay.daysIn(year: year, month: month)

        // then
        #expect(count == days)
    }

    @Test("counts days since 1970-01-01", arguments: [
        ("1970-01-01", 0), ("2000-03-01", 11_017), ("2026-10-31", 20_757), ("2026-11-01", 20_758),
        ("2028-02-29", 21_243), ("1900-01-01", -25_567), ("9999-12-31", 2_932_896),
    ])
    func daysSinceEpoch(text: String, days: Int) {
        // given
        let day = Fixture.day(text)

        // when
        let count = day.daysSinceEpoch

        // then it converts back
        #expect(count == days)
        #expect(CalendarDay(daysSinceEpoch: days) == day)
    }

    @Test("day numbers and dates convert both ways for every day from 1900 to 2100")
    func epochRoundTrip() {
        // given every day from 1900-01-01 to 2100-12-31, checked against Foundation's Gregorian calendar
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let first = Fixture.day("1900-01-01").daysSinceEpoch
        let last = Fixture.day("2100-12-31").daysSinceEpoch

        for number in stride(from: first, through: last, by: 1) {
            // when
            let day = CalendarDay(daysSinceEpoch: number)

            // then
            let components = calendar.dateComponents(
                [.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(number) * 86_400))
            if day.year != components.year || day.month != components.month || day.day != components.day
                || day.daysSinceEpoch != number {
                Issue.record("day \(number) gave \(day), expected \(components)")
                return
            }
        }
    }

    @Test("adds days across month and year ends", arguments: [
        ("2026-12-31", 1, "2027-01-01"), ("2027-02-01", 21, "2027-02-22"), ("2027-02-28", 1, "2027-03-01"),
        ("2028-02-28", 1, "2028-02-29"), ("2026-11-01", 21, "2026-11-22"), ("2026-01-01", -1, "2025-12-31"),
        ("2026-01-01", 365, "2027-01-01"),
    ])
    func addingDays(start: String, days: Int, end: String) {
        // given
        let day = Fixture.day(start)

        // when
        let later = day.adding(days: days)

        // then
        #expect(later.description == end)
    }

    @Test("a day starts at midnight Mauritius time, 20:00 UTC the day before")
    func dayStart() {
        // given
        let day = Fixture.day("2026-11-01")

        // when
        let start = day.start

        // then
        #expect(start == Instant.utc(2026, 10, 31, 20, 0, 0))
    }

    @Test("the day containing an instant is the Mauritius day", arguments: [
        (Instant.utc(2026, 10, 31, 20, 30, 0), "2026-11-01"),
        (Instant.utc(2026, 10, 31, 19, 59, 59), "2026-10-31"),
        (Instant.utc(2026, 10, 31, 20, 0, 0), "2026-11-01"),
        (Instant.utc(1969, 12, 31, 19, 59, 59), "1969-12-31"),  // before 1970: rounds towards the past
        (Instant.utc(1969, 12, 31, 20, 0, 0), "1970-01-01"),
    ])
    func dayContaining(instant: Date, day: String) {
        // given an instant
        // when
        let local = CalendarDay(containing: instant)

        // then
        #expect(local.description == day)
    }

    @Test("orders days, and encodes them as YYYY-MM-DD")
    func orderingAndCoding() throws {
        // given
        let days = [Fixture.day("2027-01-01"), Fixture.day("2026-12-31")]

        // when
        let json = try JSONEncoder().encode(days)

        // then
        #expect(days.sorted() == days.reversed())
        #expect(String(decoding: json, as: UTF8.self) == #"["2027-01-01","2026-12-31"]"#)
        #expect(try JSONDecoder().decode([CalendarDay].self, from: json) == days)
    }

    // MARK: BillingPeriod

    @Test("parses YYYY-MM", arguments: [("2026-10", 2026, 10), ("2027-01", 2027, 1), ("2026-12", 2026, 12)])
    func parsesPeriods(text: String, year: Int, month: Int) throws {
        // given
        // when
        let period = try BillingPeriod(text)

        // then
        #expect(period.year == year)
        #expect(period.month == month)
        #expect(period.description == text)
    }

    @Test("refuses what is not a period", arguments: ["2026-13", "2026-00", "2026-1", "26-10", "2026-10-01", "", "2026/10", "1899-12"])
    func refusesInvalidPeriods(text: String) {
        // given a wrong period
        // when / then
        #expect(throws: CalendarError.invalidPeriod(text)) { try BillingPeriod(text) }
    }

    @Test("knows its first and last days, and its neighbours", arguments: [
        ("2026-10", "2026-10-01", "2026-10-31", "2026-09", "2026-11"),
        ("2026-12", "2026-12-01", "2026-12-31", "2026-11", "2027-01"),
        ("2027-01", "2027-01-01", "2027-01-31", "2026-12", "2027-02"),
        ("2027-02", "2027-02-01", "2027-02-28", "2027-01", "2027-03"),
        ("2028-02", "2028-02-01", "2028-02-29", "2028-01", "2028-03"),
    ])
    func boundsAndNeighbours(text: String, first: String, last: String, previous: String, next: String) {
        // given
        let period = Fixture.period(text)

        // when / then
        #expect(period.firstDay.description == first)
        #expect(period.lastDay.description == last)
        #expect(period.previous.description == previous)
        #expect(period.next.description == next)
        #expect(period.lastDay.period == period)
    }

    @Test("a period runs from midnight on the 1st to midnight on the next 1st, Mauritius time")
    func periodInstants() {
        // given November 2026
        let period = Fixture.period("2026-11")

        // when
        let start = period.start
        let end = period.end

        // then
        #expect(start == Instant.utc(2026, 10, 31, 20, 0, 0))
        #expect(end == Instant.utc(2026, 11, 30, 20, 0, 0))
        #expect(period.contains(Instant.utc(2026, 10, 31, 20, 30, 0)))
        #expect(!period.contains(Instant.utc(2026, 10, 31, 19, 59, 59)))
        #expect(period.contains(Instant.utc(2026, 11, 30, 19, 59, 59)))
        #expect(!period.contains(end))
    }

    @Test("the period containing an instant is its Mauritius month", arguments: [
        (Instant.utc(2026, 10, 31, 20, 30, 0), "2026-11"),  // 00:30 on 1 November in Mauritius
        (Instant.utc(2026, 10, 31, 19, 59, 59), "2026-10"),  // 23:59:59 on 31 October in Mauritius
        (Instant.utc(2026, 12, 31, 20, 0, 0), "2027-01"),
        (Instant.utc(2027, 2, 28, 19, 59, 59), "2027-02"),
    ])
    func periodContaining(instant: Date, period: String) {
        // given an instant
        // when
        let containing = BillingPeriod(containing: instant)

        // then
        #expect(containing.description == period)
        #expect(containing.contains(instant))
    }

    @Test("orders periods across years, and encodes them as YYYY-MM")
    func periodOrderingAndCoding() throws {
        // given
        let periods = [Fixture.period("2027-01"), Fixture.period("2026-12"), Fixture.period("2026-02")]

        // when
        let json = try JSONEncoder().encode(periods)

        // then
        #expect(periods.sorted().map(\.description) == ["2026-02", "2026-12", "2027-01"])
        #expect(String(decoding: json, as: UTF8.self) == #"["2027-01","2026-12","2026-02"]"#)
        #expect(try JSONDecoder().decode([BillingPeriod].self, from: json) == periods)
    }

    @Test("short month names are the usual abbreviations, June and July apart in French")
    func shortMonthNames() {
        // when
        let french = (1...12).map { CalendarText.shortMonthName($0, .french) }
        let english = (1...12).map { CalendarText.shortMonthName($0, .english) }

        // then
        #expect(french == ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."])
        #expect(english == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
        #expect(Set(french).count == 12)
    }
}
