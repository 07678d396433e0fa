import Foundation
import Testing
@testable import SelfCareCore

@Suite("CSVParser")
struct CSVParserTests {
    /// Feeds `text` split at `\n` bytes (as the importers read files) and returns the complete records.
    static func parse(_ text: String) throws(CSVError) -> [[String]] {
        var parser = CSVParser()
        var records: [[String]] = []
        for line in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if let record = try parser.feed(line) { records.append(record) }
        }
        if parser.isInsideQuotedField { throw .unterminatedQuote }
        return records
    }

    @Test("splits plain fields at commas, keeping empty fields", arguments: [
        ("a,b,c", ["a", "b", "c"]),
        ("a,,c", ["a", "", "c"]),
        ("a,b,", ["a", "b", ""]),
        (",", ["", ""]),
        ("", [""]),
        ("  spaced  , kept ", ["  spaced  ", " kept "]),
        ("Société Générale,Île Maurice", ["Société Générale", "Île Maurice"]),
    ])
    func plainFields(line: String, fields: [String]) throws {
        // given a parser
        var parser = CSVParser()

        // when
        let record = try parser.feed(Array(line.utf8))

        // then
        #expect(record == fields)
    }

    @Test("quoted fields hold commas and doubled quotes", arguments: [
        (#""Ramgoolam, Navin",individual"#, ["Ramgoolam, Navin", "individual"]),
        (#""say ""hello""",x"#, [#"say "hello""#, "x"]),
        (#""""#, [""]),  // an empty quoted field
        (#""",x"#, ["", "x"]),
        (#"a,"",c"#, ["a", "", "c"]),
        (#""""""#, [#"""#]),  // a field that is one quote
        (#"x,"a,b,c""#, ["x", "a,b,c"]),
    ])
    func quotedFields(line: String, fields: [String]) throws {
        // given a parser
        var parser = CSVParser()

        // when
        let record = try parser.feed(Array(line.utf8))

        // then
        #expect(record == fields)
    }

    @Test("a quoted field may span two lines")
    func quotedFieldSpansLines() throws {
        // given a record whose second field holds a line break
        var parser = CSVParser()

        // when
        let first = try parser.feed(Array(#"C001,"Line one"#.utf8))
        let openAfterFirst = parser.isInsideQuotedField
        let second = try parser.feed(Array(#"line two",company"#.utf8))

        // then the record completes on the second line, with \n in the field
        #expect(first == nil)
        #expect(openAfterFirst)
        #expect(second == ["C001", "Line one\nline two", "company"])
        #expect(!parser.isInsideQuotedField)
    }

    @Test("a quoted field may span several lines, including empty ones")
    func quotedFieldSpansSeveralLines() throws {
        // given
        let text = "a,\"1\n\n3\",b\nnext,row"

        // when
        let records = try Self.parse(text)

        // then
        #expect(records == [["a", "1\n\n3", "b"], ["next", "row"]])
    }

    @Test("CRLF line ends are dropped", arguments: [
        ("a,b\r", ["a", "b"]),
        ("a,\"b,c\"\r", ["a", "b,c"]),
        ("a,\r", ["a", ""]),
        ("\r", [""]),
    ])
    func crlf(line: String, fields: [String]) throws {
        // given a line read from a CRLF file (split at \n, so it ends with \r)
        var parser = CSVParser()

        // when
        let record = try parser.feed(Array(line.utf8))

        // then
        #expect(record == fields)
    }

    @Test("a whole CRLF file parses like the LF file")
    func crlfFile() throws {
        // given the same file with LF and CRLF line ends
        let lf = "record_id,msisdn\nR1,+23057123456\n\"R,2\",+23057123457"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")

        // when
        let fromLF = try Self.parse(lf)
        let fromCRLF = try Self.parse(crlf)

        // then
        #expect(fromLF == [["record_id", "msisdn"], ["R1", "+23057123456"], ["R,2", "+23057123457"]])
        #expect(fromCRLF == fromLF)
    }

    @Test("a carriage return inside a line is data")
    func innerCarriageReturn() throws {
        // given
        var parser = CSVParser()

        // when
        let record = try parser.feed(Array("a\rb,c".utf8))

        // then
        #expect(record == ["a\rb", "c"])
    }

    @Test("malformed quotes are errors", arguments: [
        (#"ab"c,d"#, CSVError.strayQuote),  // quote inside an unquoted field
        (#"a,b""#, .strayQuote),
        (#""ab"c,d"#, .textAfterClosingQuote),
        (#""ab" ,d"#, .textAfterClosingQuote),
        (#""a""b"x"#, .textAfterClosingQuote),
    ])
    func malformedQuotes(line: String, error: CSVError) {
        // given a parser
        var parser = CSVParser()

        // when / then
        #expect(throws: error) { try parser.feed(Array(line.utf8)) }
    }

    @Test("a quoted field still open at the end of the file is reported by the reader")
    func unterminatedQuote() {
        // given a file whose last quoted field never closes
        let text = "a,\"open\nstill open"

        // when / then
        #expect(throws: CSVError.unterminatedQuote) { try Self.parse(text) }
    }

    @Test("the parser is reusable after a record: no fields leak into the next one")
    func reusable() throws {
        // given
        var parser = CSVParser()

        // when
        let first = try parser.feed(Array("a,\"b\"".utf8))
        let second = try parser.feed(Array("c".utf8))

        // then
        #expect(first == ["a", "b"])
        #expect(second == ["c"])
    }

    @Test("escape quotes only the fields that need it", arguments: [
        ("plain", "plain"), ("a,b", #""a,b""#), (#"say "hi""#, #""say ""hi""""#), ("two\nlines", "\"two\nlines\""),
        ("cr\r", "\"cr\r\""), ("", ""),
        ("two\r\nlines", "\"two\r\nlines\""),  // CRLF is one Character in Swift, yet a line break
        ("x\"\u{0301}y", "\"x\"\"\u{0301}y\""),  // a quote carrying a combining accent is still a quote
    ])
    func escape(field: String, escaped: String) {
        // given a field
        // when
        let written = CSVParser.escape(field)

        // then
        #expect(written.unicodeScalars.elementsEqual(escaped.unicodeScalars))
    }

    @Test("escaped records parse back to the same fields (seeded random fields)")
    func escapeRoundTrip() throws {
        // given random fields over an alphabet rich in the special characters
        var generator = SplitMix64(seed: 4180)
        let alphabet: [Character] = ["a", "Z", "1", " ", ",", "\"", "\n", "\r", "é", "€", ";", "'", "\u{0301}"]

        for _ in 0..<500 {
            let fields = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            }

            // when
            let line = fields.map(CSVParser.escape).joined(separator: ",")
            let records = try Self.parse(line)

            // then
            #expect(records == [fields], "line: \(line.debugDescription)")
        }
    }
}
