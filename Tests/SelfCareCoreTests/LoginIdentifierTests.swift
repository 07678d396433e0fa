import Testing
@testable import SelfCareCore

@Suite("LoginIdentifier")
struct LoginIdentifierTests {
    @Test("digits only is an Account ID; anything with letters is a Client ID", arguments: [
        ("1234 5678 97", "1234567897", "1234567897"),
        ("1234-5678-97", "1234567897", "1234567897"),
        ("7k3m-q9xd-2h4e", "7K3MQ9XD2H4E", "7K3M-Q9XD-2H4E"),
    ])
    func classifies(text: String, canonical: String, description: String) throws {
        // given what a subscriber typed
        // when
        let identifier = try LoginIdentifier(text)

        // then
        #expect(identifier.canonical == canonical)
        #expect(identifier.description == description)
    }

    @Test("the errors are those of the ID it looks like", arguments: [
        ("", IdentifierError.empty),
        ("1234 5678 98", .accountIDCheckDigit),
        ("12345", .accountIDLength(5)),
        ("7K3M-Q9XD-2H4F", .clientIDCheckCharacter),
    ])
    func errors(text: String, error: IdentifierError) {
        // given a mistyped identifier
        // when / then
        #expect(throws: error) { try LoginIdentifier(text) }
    }
}
