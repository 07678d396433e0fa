/// A string literal of a Swift file: its text between the delimiters, interpolations as written, and where it opens.
struct StringLiteral: Sendable, Equatable {
    let text: String
    /// The line its text starts on, counted from 1.
    let line: Int
    /// The UTF-8 offset of its text in the file.
    let offset: Int

    /// The line of the character at `index` of `text`.
    func line(at index: String.Index) -> Int {
        line + text[..<index].utf8.count { $0 == UInt8(ascii: "\n") }
    }
}

/// A Swift file as the checks read it: the code with comments and string contents blanked, and the string literals.
///
/// Blanking keeps every line where it was, so a match in the code is reported on its own line, and a word in a comment
/// or a user-facing text is never read as code. The lexer knows line and nested block comments, single-line,
/// multi-line and raw strings (`#"…"#`) and interpolations, whose code is lexed as code. Regex literals are not
/// recognised; a quote inside one would be taken for the start of a string.
struct SwiftSource: Sendable {
    /// The file as written, line by line.
    let lines: [String]
    /// The file with comments and the contents of string literals replaced by spaces, as UTF-8.
    let code: [UInt8]
    /// `code`, line by line.
    let codeLines: [String]
    let literals: [StringLiteral]

    init(_ text: String) {
        var lexer = Lexer(text)
        lexer.scanCode(untilClosingParenthesis: false)
        code = lexer.code
        lines = Self.lines(of: lexer.bytes)
        codeLines = Self.lines(of: lexer.code)
        let newlines = lexer.bytes.indices.filter { lexer.bytes[$0] == UInt8(ascii: "\n") }
        literals = lexer.literals.sorted { $0.lowerBound < $1.lowerBound }.map { range in
            StringLiteral(
                text: String(decoding: lexer.bytes[range], as: UTF8.self),
                line: Self.line(of: range.lowerBound, newlines: newlines),
                offset: range.lowerBound
            )
        }
    }

    /// Split at each `\n` byte, so a line is counted as the lexer counts it whatever ends it.
    private static func lines(of bytes: [UInt8]) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func line(of offset: Int, newlines: [Int]) -> Int {
        var low = 0
        var high = newlines.count
        while low < high {
            let middle = (low + high) / 2
            if newlines[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low + 1
    }
}

/// Walks the UTF-8 of a file once, blanking comments and string contents and noting where each literal's text lies.
private struct Lexer {
    let bytes: [UInt8]
    var code: [UInt8]
    var literals: [Range<Int>] = []
    var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
        code = bytes
    }

    /// Lexes code up to the end of the file, or up to the `)` that closes an interpolation.
    mutating func scanCode(untilClosingParenthesis: Bool) {
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "/"):
                blankLineComment()
            case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "*"):
                blankBlockComment()
            case UInt8(ascii: "\""), UInt8(ascii: "#"):
                if !scanString() { position += 1 }
            case UInt8(ascii: "("):
                depth += 1
                position += 1
            case UInt8(ascii: ")"):
                if untilClosingParenthesis && depth == 0 { return }
                depth -= 1
                position += 1
            default:
                position += 1
            }
        }
    }

    private func byte(at index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func hashes(_ count: Int, at index: Int) -> Bool {
        (0..<count).allSatisfy { byte(at: index + $0) == UInt8(ascii: "#") }
    }

    private mutating func blank(_ range: Range<Int>) {
        for index in range where code[index] != UInt8(ascii: "\n") {
            code[index] = UInt8(ascii: " ")
        }
    }

    private mutating func blankLineComment() {
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
        blank(start..<position)
    }

    private mutating func blankBlockComment() {
        let start = position
        var depth = 0
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "/"), byte(at: position + 1) == UInt8(ascii: "*") {
                depth += 1
                position += 2
            } else if bytes[position] == UInt8(ascii: "*"), byte(at: position + 1) == UInt8(ascii: "/") {
                depth -= 1
                position += 2
                if depth == 0 { break }
            } else {
                position += 1
            }
        }
        blank(start..<position)
    }

    /// Lexes the string literal opening at `position`, if one does (`"`, `"""`, or `#`s before either).
    private mutating func scanString() -> Bool {
        var quote = position
        while byte(at: quote) == UInt8(ascii: "#") { quote += 1 }
        guard byte(at: quote) == UInt8(ascii: "\"") else { return false }
        let hashCount = quote - position
        let multiline = byte(at: quote + 1) == UInt8(ascii: "\"") && byte(at: quote + 2) == UInt8(ascii: "\"")
        let delimiter = multiline ? 3 : 1
        let textStart = quote + delimiter
        var segmentStart = textStart
        position = textStart
        while position < bytes.count {
            let current = bytes[position]
            if current == UInt8(ascii: "\\"), hashes(hashCount, at: position + 1) {
                let escaped = position + 1 + hashCount
                if byte(at: escaped) == UInt8(ascii: "(") {
                    blank(segmentStart..<escaped + 1)
                    position = escaped + 1
                    scanCode(untilClosingParenthesis: true)
                    segmentStart = position
                    position += 1
                } else {
                    position = escaped + 1
                }
                continue
            }
            if current == UInt8(ascii: "\""), closes(at: position, delimiter: delimiter, hashCount: hashCount) {
                blank(segmentStart..<position)
                literals.append(textStart..<position)
                position += delimiter + hashCount
                return true
            }
            if current == UInt8(ascii: "\n"), !multiline { break }
            position += 1
        }
        blank(segmentStart..<position)
        literals.append(textStart..<position)
        return true
    }

    private func closes(at index: Int, delimiter: Int, hashCount: Int) -> Bool {
        (0..<delimiter).allSatisfy { byte(at: index + $0) == UInt8(ascii: "\"") } && hashes(hashCount, at: index + delimiter)
    }
}
