/// Check-digit schemes that catch typing mistakes in identifiers.
enum CheckDigits {
    /// The Luhn (mod 10) check digit for a string of ASCII digits.
    static func luhn(_ digits: [Int]) -> Int {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 0 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return (10 - sum % 10) % 10
    }

    /// True when the last digit is the Luhn check digit of the others.
    static func isValidLuhn(_ digits: [Int]) -> Bool {
        guard let last = digits.last else { return false }
        return luhn(Array(digits.dropLast())) == last
    }

    /// ISO 7064 hybrid MOD 33,32 check value over values in 0..<32 (catches every single substitution).
    static func mod3332(_ values: [Int]) -> Int {
        let modulus = 32
        var product = modulus
        for value in values {
            var sum = (product + value) % modulus
            if sum == 0 { sum = modulus }
            product = (2 * sum) % (modulus + 1)
        }
        return (modulus + 1 - product) % modulus
    }
}
