import Testing
@testable import SelfCareCore

/// Passwords: 12 to 128 characters of any kind, no composition rules, not a common password, not the identifier, and
/// not guessable in under 10^10 guesses.
@Suite("Password policy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy.standard
    static let clientIdentifier = "7K3MQ9XD2H4B"

    func check(_ password: String, confirmation: String? = nil, identifier: String = "1234567897",
               userInputs: [String] = []) -> PasswordPolicyError? {
        do {
            try policy.check(password, confirmation: confirmation ?? password, identifier: identifier,
                             userInputs: userInputs)
            return nil
        } catch {
            return error
        }
    }

    @Test("11 characters are refused as too short, 12 are accepted")
    func minimumLength() {
        // given
        let eleven = "heron-7vx2k"
        let twelve = "heron-7vx2kq"

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
        let twelveEmoji = "🔐🌋🦜🍍🚲🎻🧭🌵🐙🍩🛶🪁"
        let elevenEmoji = String(twelveEmoji.dropLast())
        var generator = SplitMix64(seed: 128)
        let accentedLetters = Array("éèêëàâäîïôöùûüç")
        let accented = String((0..<128).map { _ in accentedLetters.randomElement(using: &generator)! })
        let combining = "xkmpvjgbhzqw".map { "\($0)\u{301}" }.joined()
        let tooManyAccented = String(repeating: "é", count: 129)

        // when
        let results = [check(twelveEmoji), check(elevenEmoji), check(accented), check(combining), check(tooManyAccented)]

        // then
        #expect(twelveEmoji.count == 12)
        #expect(twelveEmoji.utf8.count == 48)
        #expect(accented.utf8.count == 256)
        #expect(combining.count == 12)
        #expect(combining.unicodeScalars.count == 24)
        #expect(results == [nil, .tooShort(11), nil, nil, .tooLong(129)])
    }

    @Test("length is counted in code points, as NIST SP 800-63B and the API document count it")
    func codePoints() {
        // given eleven characters on screen, the last an e with a combining accent: twelve code points
        let password = "heron-7vx2e\u{0301}"

        // when
        let result = check(password)

        // then
        #expect(password.count == 11 && password.unicodeScalars.count == 12)
        #expect(result != .tooShort(11))
    }

    @Test("no composition rules: lower case only, digits only or spaces are fine")
    func noCompositionRules() {
        // given
        let passwords = ["correcthorsebatterystaple", "904718236455", "tram lagoon pebble", "ÉCUME SUR LE LAGON BLEU"]

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
        #expect(list == Set(WordLists.zxcvbn[0].words.prefix(10_000)))
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

    @Test("the identifier itself is refused, with or without dashes and in any case; with a suffix it is guessable")
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
        #expect(longer == .guessable(.personalInformation))
    }

    @Test("a password found in under 10^10 guesses is refused with the pattern that gives it away", arguments: [
        ("123456789012", PasswordWeakness.commonPassword),
        ("aaaaaaaaaaaa", .repeated),
        ("password1234", .commonPassword),
        ("qwertyuiop12", .commonPassword),
        ("azertyuiop12", .commonPassword),
        ("abcabcabcabc", .repeated),
        ("mnopqrstuvwx", .sequence),
        ("zxcvbnm,./12", .keyboardPattern),
        ("01/02/1990abc", .date),
        ("Sunshine2024!", .commonPassword),
        ("soleil2024!!", .commonPassword),
    ])
    func guessable(_ password: String, weakness: PasswordWeakness) {
        // given a password of at least 12 characters that is not in the list of common passwords
        #expect(password.count >= PasswordPolicy.minimumLength)
        #expect(!CommonPasswords.bundled.contains(password.lowercased()))

        // when
        let result = check(password)

        // then
        #expect(result == .guessable(weakness))
        #expect(PasswordStrength.estimate(password).guessesLog10 < PasswordPolicy.minimumGuessesLog10)
    }

    @Test("the operator's name and the user's name with digits around them are refused")
    func personalInformation() {
        // given the words the web layer passes for a registration
        let userInputs = ["Mauritel", "Jean Dupont", "jean.dupont@mail.mu"]

        // when
        let operatorName = check("Mauritel2024!", identifier: Self.clientIdentifier, userInputs: userInputs)
        let ownName = check("dupont.jean1985", identifier: Self.clientIdentifier, userInputs: userInputs)
        let unrelated = check("tram lagoon pebble 1976", identifier: Self.clientIdentifier, userInputs: userInputs)

        // then
        #expect(operatorName == .guessable(.personalInformation))
        #expect(ownName == .guessable(.personalInformation))
        #expect(unrelated == nil)
    }

    @Test("the threshold is ten billion guesses (NIST SP 800-63B §5.1.1.2)")
    func threshold() {
        // given
        let threshold = PasswordPolicy.minimumGuessesLog10

        // when
        let justBelow = PasswordStrength.estimate("river-lamp7x").guessesLog10
        let justAbove = PasswordStrength.estimate("heron-7vx2kq").guessesLog10

        // then
        #expect(threshold == 10)
        #expect(justBelow < threshold)
        #expect(check("river-lamp7x") == .guessable(.word))
        #expect(justAbove >= threshold)
        #expect(check("heron-7vx2kq") == nil)
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
        let guessable = PasswordWeakness.allCases.map { PasswordPolicyError.guessable($0) }
        let errors: [PasswordPolicyError] =
            [.tooShort(3), .tooLong(200), .confirmationMismatch, .common, .sameAsIdentifier] + guessable

        // when
        let keys = Set(errors.map(\.messageKey))
        let codes = Set(errors.map(\.code))

        // then
        #expect(keys.count == errors.count)
        #expect(codes.count == 6)
        #expect(guessable.allSatisfy { $0.code == "password_too_guessable" })
        #expect(PasswordPolicyError.guessable(.keyboardPattern).messageKey == "error.password.guessable.keyboardPattern")
        #expect(PasswordPolicyError.tooShort(3).description.contains("12"))
        #expect(PasswordPolicyError.tooLong(200).description.contains("128"))
        #expect(PasswordPolicyError.common.description.contains("common"))
        #expect(PasswordPolicyError.sameAsIdentifier.description.contains("identifier"))
        #expect(PasswordPolicyError.guessable(.keyboardPattern).description.contains("keyboard"))
    }
}
