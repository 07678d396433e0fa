import Testing

/// The lexer the checks read through: what it blanks, and the literals it finds.
@Suite("Swift source lexer")
struct SwiftSourceTests {
    @Test("blanks comments and string contents, keeping lines and code")
    func blanks() {
        // given
        let text = """
            let a = "x // y" // note
            /* outer /* inner */ still comment */ let b = 1
            let c = #"raw "quoted" \\(not interpolated)"#
            """

        // when
        let source = SwiftSource(text)

        // then
        #expect(source.codeLines.map { $0.trimmingTrailingSpaces } == [
            #"let a = "      ""#,
            "                                      let b = 1",
            ##"let c = #"                                "#"##,
        ])
    }

    @Test("lexes interpolations as code and finds the literals inside them")
    func interpolations() {
        // given
        let text = #"let s = "a \(flag ? "b" : db.engine == .sqlite ? "c" : "d") e""#

        // when
        let source = SwiftSource(text)

        // then
        #expect(source.literals.map(\.text) == [#"a \(flag ? "b" : db.engine == .sqlite ? "c" : "d") e"#, "b", "c", "d"])
        #expect(source.codeLines[0].contains("db.engine == .sqlite"))
        #expect(!source.codeLines[0].contains("a "))
    }

    @Test("finds a multi-line literal's lines and the line of a word inside it")
    func multilineLines() throws {
        // given
        let text = "let q = \"\"\"\n    first\n    second \"quoted\"\n    \"\"\"\nlet after = 1\n"

        // when
        let source = SwiftSource(text)

        // then
        let literal = try #require(source.literals.first)
        #expect(source.literals.count == 1)
        #expect(literal.line == 1)
        #expect(literal.line(at: try #require(literal.text.range(of: "second")).lowerBound) == 3)
        #expect(source.codeLines[4] == "let after = 1")
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        String(reversed().drop { $0 == " " }.reversed())
    }
}
