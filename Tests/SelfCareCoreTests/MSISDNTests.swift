import Foundation
import Testing
@testable import SelfCareCore

@Suite("MSISDN")
struct MSISDNTests {
    @Test("accepts a Mauritian mobile number as people type it", arguments: [
        "5712 3456", "+230 5712 3456", "57123456", "0023057123456", "00230 57123456", "(230) 5712-3456",
        "+23057123456", "230 5712 3456", " 5712.3456 ",
    ])
    func acceptsTypedForms(text: String) throws {
        // given a typed number
        // when
        let msisdn = try MSISDN(text)

        // then it is stored in E.164
        #expect(msisdn.e164 == "+23057123456")
        #expect(msisdn.description == "+23057123456")
        #expect(msisdn.national == "5712 3456")
        #expect(msisdn.formatted == "+230 5712 3456")
    }

    @Test("refuses what is not a Mauritian mobile number", arguments: [
        ("4712 3456", MSISDNError.notMobile),  // 4… is not a mobile range
        ("+230 2123 4567", .notMobile),  // fixed line
        ("5712 345", .wrongLength(7)),  // 7 digits
        ("571234567", .wrongLength(9)),
        ("+33 6 12 34 56 78", .wrongLength(11)),  // French number
        ("", .empty),
        ("   ", .empty),
        ("5712 3456a", .invalidCharacter("a")),
        ("57+123456", .invalidCharacter("+")),  // + only at the start
        ("5712/3456", .invalidCharacter("/")),
    ])
    func refusesWithError(text: String, error: MSISDNError) {
        // given a wrong number
        // when / then
        #expect(throws: error) { try MSISDN(text) }
    }

    @Test("encodes as E.164 and decodes any typed form")
    func codable() throws {
        // given
        let msisdn = try MSISDN("5712 3456")

        // when
        let json = try JSONEncoder().encode([msisdn])

        // then
        #expect(String(decoding: json, as: UTF8.self) == #"["+23057123456"]"#)
        #expect(try JSONDecoder().decode([MSISDN].self, from: Data(#"["5712 3456"]"#.utf8)) == [msisdn])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([MSISDN].self, from: Data(#"["4712 3456"]"#.utf8)) }
    }

    @Test("orders by E.164")
    func ordering() throws {
        // given
        let low = try MSISDN("5700 0000")
        let high = try MSISDN("5999 9999")

        // when
        let sorted = [high, low].sorted()

        // then
        #expect(sorted == [low, high])
    }
}
