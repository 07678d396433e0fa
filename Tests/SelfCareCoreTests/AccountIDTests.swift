import Foundation
import Testing
@testable import SelfCareCore

@Suite("AccountID")
struct AccountIDTests {
    // 123456789 → Luhn: doubled from the right 9→9, 7→5, 5→1, 3→6, 1→2 plus 8+6+4+2 = 43 → check 7
    static let valid = "1234567897"

    @Test("accepts the ten digits as people type them", arguments: [
        "1234567897", "1234 5678 97", "1234-567897", " 1234 5678 97 ", "1234.5678.97", "12 34 56 78 97",
    ])
    func acceptsTypedForms(text: String) throws {
        // given a valid Account ID written with spaces, dashes or dots
        // when
        let id = try AccountID(text)

        // then
        #expect(id.rawValue == Self.valid)
        #expect(id.description == Self.valid)
        #expect(id.grouped == "1234 5678 97")
    }

    @Test("refuses wrong input with the matching error", arguments: [
        ("1234567898", IdentifierError.accountIDCheckDigit),  // check digit 8 instead of 7
        ("1234 5678 90", .accountIDCheckDigit),
        ("2134567897", .accountIDCheckDigit),  // first two digits swapped
        ("", .empty),
        (" - ", .empty),
        ("12345A7897", .accountIDNotDigits),
        ("123456789", .accountIDLength(9)),
        ("12345678970", .accountIDLength(11)),
        ("１２３４５６７８９７", .accountIDNotDigits),  // full-width digits are not ASCII digits
    ])
    func refusesWithError(text: String, error: IdentifierError) {
        // given a mistyped Account ID
        // when / then
        #expect(throws: error) { try AccountID(text) }
    }

    @Test("every single-digit substitution is detected (exhaustive over one ID)")
    func everySubstitutionDetected() {
        // given a valid ID
        let digits = Array(Self.valid)

        // when each position is changed to each other digit
        var mistakes = 0
        for position in digits.indices {
            for replacement in "0123456789" where replacement != digits[position] {
                var typed = digits
                typed[position] = replacement

                // then the check digit catches it
                #expect(throws: IdentifierError.accountIDCheckDigit) { try AccountID(String(typed)) }
                mistakes += 1
            }
        }
        #expect(mistakes == 90)
    }

    @Test("builds an ID from a nine-digit body, keeping leading zeros", arguments: [
        (123_456_789, "1234567897"),
        (42, "0000000422"),  // 000000042: doubled 2→4, 4, then zeros: 4+4 = 8 → check 2
        (0, "0000000000"),
    ])
    func buildsFromBody(body: Int, text: String) throws {
        // given a body
        // when
        let id = AccountID(body: body)

        // then it is valid and parses back
        #expect(id.rawValue == text)
        #expect(try AccountID(id.rawValue) == id)
    }

    @Test("random IDs from a seeded generator have ten digits, no leading zero, and parse back")
    func randomIDsParseBack() throws {
        // given a seeded generator
        var generator = SplitMix64(seed: 2026)

        for _ in 0..<1_000 {
            // when
            let id = AccountID.random(using: &generator)

            // then
            #expect(id.rawValue.count == 10)
            #expect(id.rawValue.first != "0")
            #expect(try AccountID(id.grouped) == id)
        }
    }

    @Test("the same seed gives the same IDs")
    func seededIsRepeatable() {
        // given two generators with the same seed
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)

        // when
        let a = (0..<5).map { _ in AccountID.random(using: &first) }
        let b = (0..<5).map { _ in AccountID.random(using: &second) }

        // then
        #expect(a == b)
    }

    @Test("encodes as its ten digits; decoding checks the check digit")
    func codable() throws {
        // given
        let id = try AccountID(Self.valid)

        // when
        let json = try JSONEncoder().encode([id])

        // then
        #expect(String(decoding: json, as: UTF8.self) == #"["1234567897"]"#)
        #expect(try JSONDecoder().decode([AccountID].self, from: json) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([AccountID].self, from: Data(#"["1234567898"]"#.utf8))
        }
    }

    @Test("errors name their translated message key", arguments: [
        (IdentifierError.empty, "error.identifier.empty"),
        (.accountIDNotDigits, "error.identifier.accountDigits"),
        (.accountIDLength(9), "error.identifier.accountLength"),
        (.accountIDCheckDigit, "error.identifier.accountCheck"),
    ])
    func messageKeys(error: IdentifierError, key: String) {
        // given an error
        // when
        let messageKey = error.messageKey

        // then
        #expect(messageKey == key)
    }
}
