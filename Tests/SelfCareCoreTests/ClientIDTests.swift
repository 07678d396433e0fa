import Testing
@testable import SelfCareCore

@Suite("ClientID")
struct ClientIDTests {
    /// Body 7K3MQ9XD2H4, check character E (ISO 7064 hybrid MOD 33,32 over the Crockford values).
    static let valid = "7K3MQ9XD2H4E"

    @Test("accepts upper or lower case, with or without dashes and spaces", arguments: [
        "7K3MQ9XD2H4E", "7K3M-Q9XD-2H4E", "7k3m-q9xd-2h4e", "7k3mq9xd2h4e", " 7K3M Q9XD 2H4E ", "7K-3M-Q9-XD-2H-4E",
    ])
    func acceptsTypedForms(text: String) throws {
        // given a valid Client ID as someone may type it
        // when
        let id = try ClientID(text)

        // then it is stored upper case without dashes and shown grouped
        #expect(id.rawValue == Self.valid)
        #expect(id.grouped == "7K3M-Q9XD-2H4E")
        #expect(id.description == "7K3M-Q9XD-2H4E")
    }

    @Test("reads the look-alikes O as 0 and I or L as 1", arguments: [
        ("OOOO-OOOO-OOO2", "000000000002"),  // letter O for zero
        ("oooo-oooo-ooo2", "000000000002"),
        ("IOIO-IOIO-IOI9", "101010101019"),  // letter I for one
        ("LOLO-LOLO-LOL9", "101010101019"),  // letter L for one
        ("i0l0-1O1o-L0i9", "101010101019"),  // any mix
    ])
    func readsLookAlikes(text: String, canonical: String) throws {
        // given a code typed with look-alike letters
        // when
        let id = try ClientID(text)

        // then it is the code with digits
        #expect(id.rawValue == canonical)
    }

    @Test("refuses wrong input with the matching error", arguments: [
        ("", IdentifierError.empty),
        ("- -", .empty),
        ("7K3M-Q9XD-2H4U", .clientIDCharacter("U")),  // U is not in Crockford's alphabet
        ("7K3M-Q9XD-2H4*", .clientIDCharacter("*")),
        ("7K3M-Q9XD-2H4", .clientIDLength(11)),
        ("7K3M-Q9XD-2H4E-0", .clientIDLength(13)),
        ("7K3M-Q9XD-2H4F", .clientIDCheckCharacter),
        ("K73M-Q9XD-2H4E", .clientIDCheckCharacter),  // first two characters swapped
    ])
    func refusesWithError(text: String, error: IdentifierError) {
        // given a mistyped Client ID
        // when / then
        #expect(throws: error) { try ClientID(text) }
    }

    @Test("every single-character substitution is detected (exhaustive over one ID)")
    func everySubstitutionDetected() {
        // given a valid ID and Crockford's 32 characters
        let characters = Array(Self.valid)

        // when each of the 12 positions is changed to each of the 31 other characters
        var mistakes = 0
        for position in characters.indices {
            for replacement in ClientID.alphabet where replacement != characters[position] {
                var typed = characters
                typed[position] = replacement

                // then the check character catches it
                #expect(throws: IdentifierError.clientIDCheckCharacter) { try ClientID(String(typed)) }
                mistakes += 1
            }
        }
        #expect(mistakes == 12 * 31)
    }

    @Test("random IDs from a seeded generator always parse back, in every written form")
    func randomIDsParseBack() throws {
        // given a seeded generator
        var generator = SplitMix64(seed: 0xC11E_47)

        for _ in 0..<2_000 {
            // when
            let id = ClientID.random(using: &generator)

            // then
            #expect(id.rawValue.count == 12)
            #expect(id.rawValue.allSatisfy { ClientID.alphabet.contains($0) })
            #expect(try ClientID(id.rawValue) == id)
            #expect(try ClientID(id.grouped) == id)
            #expect(try ClientID(id.grouped.lowercased()) == id)
        }
    }

    @Test("random IDs from one seed are distinct and repeatable")
    func randomIDsDistinctAndRepeatable() {
        // given two generators with the same seed
        var first = SplitMix64(seed: 99)
        var second = SplitMix64(seed: 99)

        // when
        let a = (0..<500).map { _ in ClientID.random(using: &first) }
        let b = (0..<500).map { _ in ClientID.random(using: &second) }

        // then
        #expect(a == b)
        #expect(Set(a).count == 500)
    }

    @Test("the alphabet is Crockford's base 32: no I, L, O or U")
    func alphabet() {
        // given
        let alphabet = ClientID.alphabet

        // when
        let letters = Set(alphabet)

        // then
        #expect(alphabet.count == 32)
        #expect(letters.count == 32)
        #expect(letters.isDisjoint(with: ["I", "L", "O", "U"]))
    }

    @Test("errors name their translated message key", arguments: [
        (IdentifierError.clientIDCharacter("U"), "error.identifier.clientCharacter"),
        (.clientIDLength(11), "error.identifier.clientLength"),
        (.clientIDCheckCharacter, "error.identifier.clientCheck"),
    ])
    func messageKeys(error: IdentifierError, key: String) {
        // given an error
        // when
        let messageKey = error.messageKey

        // then
        #expect(messageKey == key)
    }
}
