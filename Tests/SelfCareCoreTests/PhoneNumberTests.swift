import Testing
@testable import SelfCareCore

@Suite("PhoneNumber")
struct PhoneNumberTests {
    @Test("accepts + and 6 to 15 digits, spaces ignored", arguments: [
        ("+23057123456", "+23057123456", true),
        ("+230 5712 3456", "+23057123456", true),
        ("+23021234567", "+23021234567", true),
        ("+33612345678", "+33612345678", false),
        ("+123456", "+123456", false),  // 6 digits
        ("+123456789012345", "+123456789012345", false),  // 15 digits
    ])
    func accepts(text: String, e164: String, national: Bool) throws {
        // given a destination number
        // when
        let number = try PhoneNumber(text)

        // then
        #expect(number.e164 == e164)
        #expect(number.isNational == national)
    }

    @Test("refuses numbers without + or with the wrong length", arguments: [
        ("57123456", MSISDNError.invalidCharacter("5")),
        ("", .empty),
        ("+12345", .wrongLength(5)),
        ("+1234567890123456", .wrongLength(16)),
        ("+33-6123456", .invalidCharacter("-")),
    ])
    func refuses(text: String, error: MSISDNError) {
        // given a wrong destination
        // when / then
        #expect(throws: error) { try PhoneNumber(text) }
    }
}
