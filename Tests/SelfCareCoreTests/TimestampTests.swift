import Foundation
import Testing
@testable import SelfCareCore

@Suite("Timestamp")
struct TimestampTests {
    @Test("parses ISO 8601 with an offset", arguments: [
        ("2026-10-03T14:22:05+04:00", Instant.utc(2026, 10, 3, 10, 22, 5)),
        ("2026-10-03T10:22:05Z", Instant.utc(2026, 10, 3, 10, 22, 5)),
        ("2026-10-03T10:22:05z", Instant.utc(2026, 10, 3, 10, 22, 5)),
        ("2026-10-03T14:22:05+0400", Instant.utc(2026, 10, 3, 10, 22, 5)),
        ("2026-10-03T14:22:05+04", Instant.utc(2026, 10, 3, 10, 22, 5)),
        ("2026-10-03 14:22:05+04:00", Instant.utc(2026, 10, 3, 10, 22, 5)),  // space instead of T
        ("2026-10-03T04:52:05-05:30", Instant.utc(2026, 10, 3, 10, 22, 5)),
        ("2026-10-03T14:22:05.999+04:00", Instant.utc(2026, 10, 3, 10, 22, 5)),  // fraction dropped, not rounded
        ("2026-10-03T10:22:05.1Z", Instant.utc(2026, 10, 3, 10, 22, 5)),
        ("2026-11-01T00:30:00+04:00", Instant.utc(2026, 10, 31, 20, 30, 0)),  // across the month end
        ("2027-01-01T02:00:00+14:00", Instant.utc(2026, 12, 31, 12, 0, 0)),
        ("2028-02-29T23:59:59-00:00", Instant.utc(2028, 2, 29, 23, 59, 59)),
    ])
    func parses(text: String, instant: Date) throws {
        // given an ISO 8601 text
        // when
        let parsed = try #require(Timestamp.parse(text))

        // then
        #expect(parsed == instant)
    }

    @Test("refuses texts without an offset or with impossible values", arguments: [
        "2026-10-03T14:22:05",  // no offset
        "2026-10-03T14:22:05.5",  // no offset after a fraction
        "2026-10-03T14:22:05.+04:00",  // empty fraction
        "2026-10-03",
        "",
        "2026-02-30T10:00:00Z",  // no such day
        "2026-13-03T10:00:00Z",
        "2026-10-03T24:00:00Z",
        "2026-10-03T10:60:00Z",
        "2026-10-03T10:00:60Z",
        "2026-10-03T10:00:00+15:00",  // offsets stop at 14 hours
        "2026-10-03T10:00:00+04:60",
        "2026-10-03T10:00:00+4:00",
        "2026-10-03T10:00:00+04:0",
        "2026-10-03T10:00:00Zjunk",
        "2026-10-03T10:00:00 +04:00",
        "2026/10/03T10:00:00Z",
        "2026-10-03t10:00:00Z",
        "2026-1a-03T10:00:00Z",
        "２０２６-10-03T10:00:00Z",  // full-width digits
    ])
    func refuses(text: String) {
        // given a wrong timestamp
        // when
        let parsed = Timestamp.parse(text)

        // then
        #expect(parsed == nil)
    }

    @Test("formats an instant in Mauritius time with +04:00", arguments: [
        (Instant.utc(2026, 10, 31, 20, 30, 0), "2026-11-01T00:30:00+04:00"),
        (Instant.utc(2026, 10, 31, 19, 59, 59), "2026-10-31T23:59:59+04:00"),
        (Instant.utc(2026, 10, 3, 10, 22, 5), "2026-10-03T14:22:05+04:00"),
        (Instant.utc(2026, 12, 31, 20, 0, 0), "2027-01-01T00:00:00+04:00"),
        (Instant.utc(2026, 10, 3, 10, 22, 5).addingTimeInterval(0.75), "2026-10-03T14:22:05+04:00"),  // whole seconds
    ])
    func formats(instant: Date, text: String) {
        // given an instant
        // when
        let formatted = Timestamp.format(instant)

        // then
        #expect(formatted == text)
    }

    @Test("formatting then parsing gives the same instant (seeded random seconds, 1970–2100)")
    func roundTrip() throws {
        // given a seeded generator of whole-second instants
        var generator = SplitMix64(seed: 0x7135)
        let end = Int64(Instant.utc(2100, 1, 1).timeIntervalSince1970)

        for _ in 0..<2_000 {
            let instant = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: 0..<end, using: &generator)))

            // when
            let text = Timestamp.format(instant)

            // then
            #expect(try #require(Timestamp.parse(text)) == instant)
            #expect(text.hasSuffix("+04:00"))
        }
    }
}
