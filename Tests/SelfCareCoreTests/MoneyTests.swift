import Foundation
import Testing
@testable import SelfCareCore

@Suite("Money")
struct MoneyTests {
    @Test("parses exact decimals", arguments: [
        ("499", Int64(49_900)),
        ("499.5", 49_950),
        ("1234.50", 123_450),
        ("-3.10", -310),
        ("0.05", 5),
        ("0", 0),
        ("+7.25", 725),
        (" 12.00 ", 1_200),
        ("007.1", 710),
        ("999999999999999.99", 99_999_999_999_999_999),
    ])
    func parsesDecimals(text: String, cents: Int64) throws {
        // given a decimal text
        // when
        let money = try Money(decimal: text)

        // then
        #expect(money.cents == cents)
    }

    @Test("refuses what is not an exact amount", arguments: [
        ("1.234", MoneyParseError.tooManyDecimals("1.234")),
        ("abc", .notANumber("abc")),
        ("1,5", .notANumber("1,5")),
        ("", .empty),
        ("   ", .empty),
        ("499.", .notANumber("499.")),
        (".5", .notANumber(".5")),
        ("1.2.3", .notANumber("1.2.3")),
        ("-", .notANumber("")),
        ("1 000", .notANumber("1 000")),
        ("1e3", .notANumber("1e3")),
        ("١٢", .notANumber("١٢")),  // Arabic-Indic digits are not ASCII digits
        ("1234567890123456", .outOfRange("1234567890123456")),
    ])
    func refusesNonAmounts(text: String, error: MoneyParseError) {
        // given a text that is not an amount
        // when / then
        #expect(throws: error) { try Money(decimal: text) }
    }

    @Test("writes a plain decimal with two places", arguments: [
        (Int64(123_450), "1234.50"), (-5, "-0.05"), (0, "0.00"), (49_900, "499.00"), (7, "0.07"), (-310, "-3.10"),
    ])
    func decimalString(cents: Int64, text: String) throws {
        // given
        let money = Money(cents: cents)

        // when
        let written = money.decimalString

        // then it reads back to the same amount
        #expect(written == text)
        #expect(try Money(decimal: written) == money)
    }

    @Test("French formatting: narrow no-break space thousands, comma decimal, no-break space before Rs", arguments: [
        (Int64(123_450), "1\u{202F}234,50\u{00A0}Rs"),
        (49_900, "499,00\u{00A0}Rs"),
        (5, "0,05\u{00A0}Rs"),
        (123_456_789_00, "123\u{202F}456\u{202F}789,00\u{00A0}Rs"),
        (-100_000_00, "-100\u{202F}000,00\u{00A0}Rs"),
    ])
    func frenchFormatting(cents: Int64, text: String) {
        // given
        let money = Money(cents: cents)

        // when
        let formatted = money.formatted(.french)

        // then
        #expect(formatted == text)
        #expect(formatted.unicodeScalars.map(\.value) == text.unicodeScalars.map(\.value))
    }

    @Test("English formatting: comma thousands, point decimal, Rs first", arguments: [
        (Int64(123_450), "Rs\u{00A0}1,234.50"),
        (49_900, "Rs\u{00A0}499.00"),
        (5, "Rs\u{00A0}0.05"),
        (123_456_789_00, "Rs\u{00A0}123,456,789.00"),
        (-100_000_00, "-Rs\u{00A0}100,000.00"),
    ])
    func englishFormatting(cents: Int64, text: String) {
        // given
        let money = Money(cents: cents)

        // when
        let formatted = money.formatted(.english)

        // then
        #expect(formatted == text)
    }

    @Test("adds, subtracts and compares in cents")
    func arithmetic() {
        // given
        var amount = Money(cents: 49_900)

        // when
        amount += Money(cents: 150)
        amount -= Money(cents: 50)

        // then
        #expect(amount.cents == 50_000)
        #expect(Money(cents: 1) + Money(cents: 2) == Money(cents: 3))
        #expect(Money(cents: 1) - Money(cents: 2) == Money(cents: -1))
        #expect(Money(cents: -1) < .zero)
        #expect(Money(cents: 499) < Money(cents: 500))
    }

    @Test("a percentage rounds half up, and half away from zero for negatives", arguments: [
        (Int64(10), Int64(15), Int64(2)),  // 1.5 → 2
        (3, 15, 0),  // 0.45 → 0
        (-10, 15, -2),  // -1.5 → -2
        (-3, 15, 0),  // -0.45 → 0
        (200, 50, 100),  // exact
        (1, 50, 1),  // 0.5 → 1
        (-1, 50, -1),  // -0.5 → -1
    ])
    func percentage(cents: Int64, rate: Int64, expected: Int64) {
        // given
        let money = Money(cents: cents)

        // when
        let part = money.percentage(rate)

        // then
        #expect(part.cents == expected)
    }

    @Test("encodes as a decimal string and decodes it back")
    func codableRoundTrip() throws {
        // given
        let amounts = [Money(cents: 123_450), Money(cents: -5)]

        // when
        let json = try JSONEncoder().encode(amounts)
        let decoded = try JSONDecoder().decode([Money].self, from: json)

        // then
        #expect(String(decoding: json, as: UTF8.self) == #"["1234.50","-0.05"]"#)
        #expect(decoded == amounts)
    }

    @Test("decoding refuses a JSON number or a text with three decimals", arguments: ["[499.5]", #"["1.234"]"#])
    func decodingRefuses(json: String) {
        // given
        let data = Data(json.utf8)

        // when / then
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Money].self, from: data) }
    }
}
