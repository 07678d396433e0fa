import Testing
@testable import SelfCareCore

/// Passwords: 12 to 128 characters of any kind, no composition rules, not a common password, not the identifier.
@Suite("Password policy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy.standard
    static let clientIdentifier = "7K3MQ9XD2H4B"

    func check(_ password: String, confirmation: String? = nil, identifier: String = "1234567897") -> PasswordPolicyError? {
        do {
            try policy.check(password, confirmation: confirmation ?? password, identifier: identifier)
            return nil
        } catch {
            return error
        }
    }

    @Test("11 characters are refused as too short, 12 are accepted")
    func minimumLength() {
        // given
        let eleven = "river-lamp7"
        let twelve = "river-lamp7x"

        // when
        let refused = check(eleven)
        let accepted = check(twelve)

        // then
        #expect(eleven.count == 11)
        #expect(refused == .tooShort(11))
        #expect(twelve.count == 12)
        #expect(accepted == nil)
    }

    @Test("128 characters are accepted, 129 are refused as too long")
    func maximumLength() {
        // given
        let base = "a quiet harbour at dawn, "
        let maximum = String(String(repeating: base, count: 6).prefix(128))
        let tooLong = maximum + "z"

        // when
        let accepted = check(maximum)
        let refused = check(tooLong)

        // then
        #expect(maximum.count == 128)
        #expect(accepted == nil)
        #expect(refused == .tooLong(129))
    }

    @Test("lengths count characters, not bytes: emoji and accented letters are one character each")
    func charactersNotBytes() {
        // given
        let twelveEmoji = String(repeating: "🔐", count: 12)
        let elevenEmoji = String(repeating: "🔐", count: 11)
        let accented = String(repeating: "é", count: 128)
        let combining = String(repeating: "e\u{301}", count: 12)
        let tooManyAccented = String(repeating: "é", count: 129)

        // when
        let results = [check(twelveEmoji), check(elevenEmoji), check(accented), check(combining), check(tooManyAccented)]

        // then
        #expect(twelveEmoji.utf8.count == 48)
        #expect(accented.utf8.count == 256)
        #expect(combining.unicodeScalars.count == 24)
        #expect(results == [nil, .tooShort(11), nil, nil, .tooLong(129)])
    }

    @Test("no composition rules: lower case only, digits only or spaces are fine")
    func noCompositionRules() {
        // given
        let passwords = ["correcthorsebatterystaple", "904718236455", "tram lagoon pebble", "ÉTÉ À MAHÉBOURG"]

        // when
        let results = passwords.map { check($0) }

        // then
        #expect(results == [nil, nil, nil, nil])
    }

    @Test("the bundled list holds the 10,000 most common passwords")
    func bundledList() {
        // given
        let list = CommonPasswords.bundled

        // when
        let count = list.count

        // then
        #expect(count == 10_000)
        #expect(list.contains("password"))
        #expect(list.contains("qwerty123456"))
    }

    @Test("a common password is refused, whatever its case", arguments: ["qwerty123456", "1qaz2wsx3edc", "123456qwerty", "QWERTY123456"])
    func commonPassword(_ password: String) {
        // given a password of at least 12 characters from the bundled list
        #expect(password.count >= 12)

        // when
        let result = check(password)

        // then
        #expect(result == .common)
    }

    @Test("the identifier itself is refused, with or without dashes and in any case")
    func identifierRefused() {
        // given a Client ID as stored (canonical)
        let identifier = Self.clientIdentifier

        // when
        let exact = check("7K3MQ9XD2H4B", identifier: identifier)
        let grouped = check("7k3m-q9xd-2h4b", identifier: identifier)
        let longer = check("7K3MQ9XD2H4B-mine", identifier: identifier)

        // then
        #expect(exact == .sameAsIdentifier)
        #expect(grouped == .sameAsIdentifier)
        #expect(longer == nil)
    }

    @Test("a confirmation that differs is refused")
    func mismatch() {
        // given
        let password = "tram lagoon pebble"

        // when
        let result = check(password, confirmation: "tram lagoon pebbles")

        // then
        #expect(result == .confirmationMismatch)
    }

    @Test("every refusal says why, with its own message key and API code")
    func messagesSayWhy() {
        // given
        let errors: [PasswordPolicyError] = [.tooShort(3), .tooLong(200), .confirmationMismatch, .common, .sameAsIdentifier]

        // when
        let keys = Set(errors.map(\.messageKey))
        let codes = Set(errors.map(\.code))

        // then
        #expect(keys.count == errors.count)
        #expect(codes.count == errors.count)
        #expect(PasswordPolicyError.tooShort(3).description.contains("12"))
        #expect(PasswordPolicyError.tooLong(200).description.contains("128"))
        #expect(PasswordPolicyError.common.description.contains("common"))
        #expect(PasswordPolicyError.sameAsIdentifier.description.contains("identifier"))
    }
}
