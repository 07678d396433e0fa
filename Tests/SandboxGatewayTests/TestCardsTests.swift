import Testing
@testable import SandboxGateway

/// The documented test cards (CONTRACT §8), the Luhn check that decides for any other number, and the card brand.
@Suite("Test cards")
struct TestCardsTests {
    @Test("each documented test card has its documented outcome", arguments: [
        ("4242424242424242", CardOutcome.paid),
        ("4000000000000002", .declined("card_declined")),
        ("4000000000009995", .declined("insufficient_funds")),
        ("4000000000000069", .declined("expired_card")),
        ("4000000000000119", .declined("processing_error")),
        ("4000000000003220", .challenge),
    ])
    func documentedCards(number: String, expected: CardOutcome) {
        // given a documented test card

        // when
        let outcome = TestCards.outcome(for: number)

        // then
        #expect(outcome == expected)
        #expect(TestCards.isLuhnValid(number), "a test card must pass the Luhn check the form applies first")
    }

    @Test("any other number that passes the Luhn check is paid", arguments: [
        "5555555555554444", "2223003122003222", "378282246310005", "6011111111111117", "4111111111111111", "4012888888881881",
    ])
    func otherValidNumbersPay(number: String) {
        // given a Luhn-valid number that is not a documented test card

        // when
        let outcome = TestCards.outcome(for: number)

        // then
        #expect(outcome == .paid)
    }

    @Test("a number that fails the Luhn check is refused", arguments: [
        "4242424242424241", "4000000000000001", "1234567812345678", "5555555555554440",
    ])
    func invalidNumbersAreRefused(number: String) {
        // given a number whose check digit is wrong

        // when
        let outcome = TestCards.outcome(for: number)

        // then
        #expect(outcome == .invalidNumber)
        #expect(!TestCards.isLuhnValid(number))
    }

    @Test("the Luhn check wants 12 to 19 digits and nothing else", arguments: [
        ("", false), ("0", false), ("42424242424", false), ("424242424242", true), ("4242 4242 4242 4242", false),
        ("4242-4242-4242-4242", false), ("424242424242424a", false), ("4242424242424242", true), ("4000000000000000006", true),
        ("40000000000000000006", false),
    ])
    func luhnLength(number: String, valid: Bool) {
        // given a candidate number

        // when
        let result = TestCards.isLuhnValid(number)

        // then
        #expect(result == valid)
    }

    @Test("the brand comes from the first digits", arguments: [
        ("4242424242424242", "visa"), ("4000000000003220", "visa"), ("5555555555554444", "mastercard"), ("5105105105105100", "mastercard"),
        ("2223003122003222", "mastercard"), ("2720992720992729", "mastercard"), ("378282246310005", "amex"), ("341111111111111", "amex"),
        ("6011111111111117", "card"), ("3530111333300000", "card"),
    ])
    func brand(number: String, brand: String) {
        // given a card number

        // when
        let found = TestCards.brand(of: number)

        // then
        #expect(found == brand)
    }
}
