import Testing
@testable import SelfCareCore

/// The estimator judges a password as zxcvbn does: the guesses needed by an attacker who tries known patterns first.
@Suite("Password strength")
struct PasswordStrengthTests {
    static let tenBillion = 10.0

    @Test("guessable passwords fall in under 10^10 guesses, and the estimate names the pattern that gives them away",
          arguments: [
              ("123456789012", PasswordWeakness.commonPassword),
              ("password1234", .commonPassword),
              ("qwertyuiop12", .commonPassword),
              ("azertyuiop12", .commonPassword),
              ("Sunshine2024!", .commonPassword),
              ("Monkey123456", .commonPassword),
              ("iloveyou1234", .commonPassword),
              ("P@ssw0rd2024", .commonPassword),
              ("drowssap2024", .commonPassword),
              ("village2024!!", .word),
              ("Jennifer1990!", .word),
              ("aaaaaaaaaaaa", .repeated),
              ("abcabcabcabc", .repeated),
              ("mnopqrstuvwx", .sequence),
              ("987654321098", .sequence),
              ("zxcvbnm,./12", .keyboardPattern),
              ("01/02/1990abc", .date),
              ("19910101abcd", .date),
          ])
    func guessable(_ password: String, weakness: PasswordWeakness) {
        // given a password built on a known pattern

        // when
        let estimate = PasswordStrength.estimate(password)

        // then
        #expect(estimate.guessesLog10 < Self.tenBillion)
        #expect(estimate.weakness == weakness)
    }

    @Test("common French password words and AZERTY keyboard walks are caught too",
          arguments: ["soleil2024!!", "Soleil2024!!", "motdepasse12", "ilemaurice2024", "ile maurice 2024", "chocolat2023",
                      "doudou2010doudou", "&é\"'(-è_çà)=", "qsdfghjklmù*", "wxcvbn123456"])
    func frenchPasswords(_ password: String) {
        // given a password an attacker targeting French speakers would try early

        // when
        let estimate = PasswordStrength.estimate(password)

        // then
        #expect(estimate.guessesLog10 < Self.tenBillion)
        #expect(estimate.weakness == .commonPassword || estimate.weakness == .keyboardPattern)
    }

    @Test("the identifier, the operator's name and the user's own name and e-mail make a password guessable",
          arguments: [
              ("7K3MQ9XD2H4B-mine", ["7K3MQ9XD2H4B"]),
              ("7k3m-q9xd-2h4b!!", ["7K3M-Q9XD-2H4B"]),
              ("Mauritel2024!", ["7K3MQ9XD2H4B", "Mauritel"]),
              ("mauritel123456", ["Mauritel"]),
              ("dupont.jean1985", ["Jean Dupont", "jean.dupont@mail.mu"]),
              ("JeanDupont!2024", ["Jean Dupont"]),
              ("ramgoolam@2024!", ["marie.ramgoolam@example.mu"]),
          ])
    func personalInformation(_ password: String, userInputs: [String]) {
        // given words personal to the user

        // when
        let withInputs = PasswordStrength.estimate(password, userInputs: userInputs)
        let without = PasswordStrength.estimate(password)

        // then
        #expect(withInputs.guessesLog10 < Self.tenBillion)
        #expect(withInputs.weakness == .personalInformation)
        #expect(withInputs.guessesLog10 < without.guessesLog10)
    }

    @Test("passphrases and random strings of 12 or more characters take at least 10^10 guesses",
          arguments: ["tram lagoon pebble 1976", "correct horse battery staple", "x7#Kq9!mZ2pL", "heron-7vx2kq",
                      "ÉCUME SUR LE LAGON BLEU", "amber owl 47 plum", "pluie fine sur le lagon"])
    func strongPasswords(_ password: String) {
        // given a password with no guessable pattern, and a user with an identifier and a name
        let userInputs = ["7K3MQ9XD2H4B", "Mauritel", "Jean Dupont", "jean.dupont@mail.mu"]

        // when
        let estimate = PasswordStrength.estimate(password, userInputs: userInputs)

        // then
        #expect(estimate.guessesLog10 >= Self.tenBillion)
    }

    @Test("random 12-character strings are accepted")
    func randomStrings() {
        // given 200 random strings of 12 printable ASCII characters, from a fixed seed
        var generator = SplitMix64(seed: 20_251_201)
        let alphabet = Array((33...126).map { Character(Unicode.Scalar(UInt8($0))) })
        let passwords = (0..<200).map { _ in String((0..<12).map { _ in alphabet.randomElement(using: &generator)! }) }

        // when
        let weak = passwords.filter { PasswordStrength.estimate($0).guessesLog10 < Self.tenBillion }

        // then
        #expect(weak.isEmpty)
    }

    @Test("a password with no pattern has no weakness; the empty password takes one guess")
    func noPattern() {
        // given
        let random = "x7#Kq9!mZ2pL"

        // when
        let estimate = PasswordStrength.estimate(random)
        let empty = PasswordStrength.estimate("")

        // then
        #expect(estimate.weakness == nil)
        #expect(abs(estimate.guessesLog10 - 12) < 1e-9)
        #expect(empty.guesses == 1)
        #expect(empty.weakness == nil)
    }

    @Test("the port gives the Python zxcvbn 4.5.0 package's guesses_log10", arguments: [
        ("123456789012", [String](), 4.176091),
        ("aaaaaaaaaaaa", [], 2.161368),
        ("abcabcabcabc", [], 1.724276),
        ("01/02/1990abc", [], 6.596817),
        ("19910101abcd", [], 5.981819),
        ("1991-5-13zebra", [], 8.493472),
        ("zxcvbnm,./12", [], 5.600755),
        ("1qaz@WSX#EDC", [], 9.571009),
        ("P4$$w0rd!", [], 4.045323),
        ("3l3ph4ntj4zz", [], 6.689273),
        ("drowssapmonkey", [], 4.176091),
        ("ElEpHaNt1987", [], 6.649821),
        ("987654321098", [], 4.255273),
        ("ΑΒΓΔΕζηθ1234", [], 8.013014),
        ("Sunshine2024!", [], 7.265054),
        ("Ramgoolam!2024", ["ramgoolam", "jean"], 7.000434),
        ("correct horse battery staple", [], 20.330032),
        ("tram lagoon pebble 1976", [], 19.775808),
        ("x7#Kq9!mZ2pL", [], 12.0),
    ])
    func faithfulToZxcvbn(_ password: String, userInputs: [String], python: Double) {
        // given the value computed by `zxcvbn(password, user_inputs)` in Python

        // when
        let zxcvbnData = PasswordStrength.zxcvbn.estimate(password, userInputs: userInputs)
        let standard = PasswordStrength.estimate(password, userInputs: userInputs)

        // then our port with zxcvbn's data agrees, and our extra data can only find more
        #expect(abs(zxcvbnData.guessesLog10 - python) < 1e-6)
        #expect(standard.guessesLog10 <= zxcvbnData.guessesLog10 + 1e-9)
    }

    @Test("our extra data catches what zxcvbn alone lets through",
          arguments: ["&é\"'(-è_çà)=", "ile maurice 2024", "mot de passe 2024"])
    func extraData(_ password: String) {
        // given a French password or an AZERTY walk

        // when
        let zxcvbnData = PasswordStrength.zxcvbn.estimate(password)
        let standard = PasswordStrength.estimate(password)

        // then
        #expect(zxcvbnData.guessesLog10 >= Self.tenBillion)
        #expect(standard.guessesLog10 < Self.tenBillion)
    }

    @Test("128-character passwords of every shape take a bounded amount of work", .timeLimit(.minutes(1)), arguments: [
        String(repeating: "a", count: 128),
        String(repeating: "ab", count: 64),
        String(String(repeating: "4@8({[<3691!|70$5+%2", count: 7).prefix(128)),
        String(String(repeating: "p@$$w0rd|1!7", count: 11).prefix(128)),
        String(String(repeating: "0123456789/-.", count: 10).prefix(128)),
        String(String(repeating: "a quiet harbour at dawn, ", count: 6).prefix(128)),
        String(String(repeating: "qwertyuiopasdfghjklzxcvbnm1234567890", count: 4).prefix(128)),
    ])
    func boundedWork(_ password: String) {
        // given a long password full of patterns, substitutes or repeats
        #expect(password.count == 128)

        // when
        let estimate = PasswordStrength.estimate(password, userInputs: ["7K3MQ9XD2H4B", "Jean Dupont"])

        // then the trie steps, matches and candidate sequences stay within a fixed budget (the naive l33t matching
        // of zxcvbn would need hundreds of dictionary passes here)
        #expect(estimate.work < 150_000)
        #expect(estimate.guessesLog10.isFinite)
    }
}

@Suite("Keyboard graphs")
struct KeyboardGraphTests {
    @Test("qwerty, dvorak and the keypads are rebuilt exactly as zxcvbn's adjacency graphs")
    func zxcvbnGraphs() {
        // given
        let qwerty = KeyboardGraph.qwerty
        let keypad = KeyboardGraph.keypad

        // when
        let g = qwerty.adjacency["g"]?.map { $0.map { String(String.UnicodeScalarView($0)) } }
        let q = qwerty.adjacency["q"]?.map { $0.map { String(String.UnicodeScalarView($0)) } }
        let seven = keypad.adjacency["7"]?.map { $0.map { String(String.UnicodeScalarView($0)) } }

        // then
        #expect(g == ["fF", "tT", "yY", "hH", "bB", "vV"])
        #expect(q == [nil, "1!", "2@", "wW", "aA", nil])
        #expect(seven == [nil, nil, nil, "/", "8", "5", "4", nil])
        #expect([qwerty, .dvorak, keypad, .macKeypad].map(\.adjacency.count) == [94, 94, 15, 16])
        #expect(abs(qwerty.averageDegree - 4.595744680851064) < 1e-12)
        #expect(abs(keypad.averageDegree - 5.066666666666666) < 1e-12)
        #expect(qwerty.shifted == Set(#"~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:"ZXCVBNM<>?"#.unicodeScalars))
    }

    @Test("AZERTY has its own layout: digits are shifted, and a is next to z and q")
    func azerty() {
        // given
        let azerty = KeyboardGraph.azerty

        // when
        let a = azerty.adjacency["a"]?.map { $0.map { String(String.UnicodeScalarView($0)) } }

        // then
        #expect(azerty.adjacency.count == 94)
        #expect(a == [nil, "&1", "é2", "zZ", "qQ", nil])
        #expect(azerty.shifted.isSuperset(of: "1234567890AZERTY".unicodeScalars))
        #expect(!azerty.shifted.contains("&"))
    }
}

@Suite("Password word lists")
struct PasswordWordListTests {
    @Test("zxcvbn's six frequency lists are bundled whole, most frequent first")
    func zxcvbnLists() {
        // given
        let lists = WordLists.zxcvbn

        // when
        let sizes = lists.map(\.words.count)
        let firsts = lists.map { $0.words.first }

        // then
        #expect(lists.map(\.source) == WordSource.zxcvbnLists)
        #expect(sizes == [30_000, 30_000, 3_712, 10_000, 19_160, 983])
        #expect(firsts == ["123456", "the", "mary", "smith", "you", "james"])
    }

    @Test("the French list holds the very common French and Mauritian password words")
    func frenchList() {
        // given
        let french = Set(WordLists.french)

        // when
        let expected = ["soleil", "bonjour", "motdepasse", "chocolat", "doudou", "loulou", "maurice", "ile maurice",
                        "azerty"]

        // then
        #expect(expected.allSatisfy(french.contains))
        #expect(french.count == WordLists.french.count)
    }

    @Test("user inputs are ranked as given, then split into their parts")
    func userInputs() {
        // given
        let inputs = ["Jean-Luc Dupont", "jl.dupont@mail.mu"]

        // when
        let split = UserInputs.rankedWords(inputs, splitting: true)
        let asZxcvbn = UserInputs.rankedWords(inputs, splitting: false)

        // then
        #expect(split["jean-luc dupont"] == 1)
        #expect(split["jeanlucdupont"] == 2)
        #expect(["jean", "luc", "dupont", "jl.dupont", "mail"].allSatisfy { split[$0] != nil })
        #expect(split["mu"] == nil)
        #expect(asZxcvbn == ["jean-luc dupont": 1, "jl.dupont@mail.mu": 2])
    }
}
