/// What the sandbox does with a card number: the documented test cards (CONTRACT §8), else Luhn decides.
enum CardOutcome: Equatable {
    case paid
    case declined(String)
    case challenge
    case invalidNumber
}

enum TestCards {
    static func outcome(for number: String) -> CardOutcome {
        switch number {
        case "4242424242424242": .paid
        case "4000000000000002": .declined("card_declined")
        case "4000000000009995": .declined("insufficient_funds")
        case "4000000000000069": .declined("expired_card")
        case "4000000000000119": .declined("processing_error")
        case "4000000000003220": .challenge
        default: isLuhnValid(number) ? .paid : .invalidNumber
        }
    }

    /// True for 12 to 19 digits whose last one is their Luhn check digit.
    static func isLuhnValid(_ number: String) -> Bool {
        let digits = number.compactMap(\.wholeNumberValue)
        guard digits.count == number.count, (12...19).contains(digits.count) else { return false }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    /// The card scheme from the first digits.
    static func brand(of number: String) -> String {
        if number.hasPrefix("4") { return "visa" }
        if let two = Int(number.prefix(2)), (51...55).contains(two) { return "mastercard" }
        if let four = Int(number.prefix(4)), (2221...2720).contains(four) { return "mastercard" }
        if number.hasPrefix("34") || number.hasPrefix("37") { return "amex" }
        return "card"
    }
}
