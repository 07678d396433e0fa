import Foundation

/// A small streaming PDF 1.4 writer: A4 pages, the standard Helvetica fonts in WinAnsi encoding, text, lines and
/// filled rectangles. Each page is written out as soon as it ends, so documents of any length use flat memory.
/// "Page n of N" works by drawing a form object whose content (the page count) is written at the very end.
public final class PDFWriter {
    public static let a4Width = 595.28
    public static let a4Height = 841.89

    /// Receives the document's bytes in order.
    private let sink: (Data) throws -> Void
    private var offset = 0
    private var objectOffsets: [Int: Int] = [:]
    private var nextObject = 6
    private var pageObjects: [Int] = []
    private var content = PageContent()
    private var pageOpen = false

    // Fixed object numbers: 1 catalog, 2 page tree, 3 page-count form, 4 Helvetica, 5 Helvetica-Bold.
    private static let catalog = 1
    private static let pageTree = 2
    private static let pageCountForm = 3

    public enum Font: String, Sendable {
        case regular = "F1"
        case bold = "F2"
    }

    public init(sink: @escaping (Data) throws -> Void) throws {
        self.sink = sink
        try write("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n")
        try writeObject(4, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        try writeObject(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    }

    /// The number of pages begun so far.
    public var pageCount: Int { pageObjects.count + (pageOpen ? 1 : 0) }

    public func beginPage() {
        precondition(!pageOpen, "a page is already open")
        pageOpen = true
        content.removeAll()
    }

    /// Draws `text` with its baseline starting at (`x`, `y`) from the bottom-left corner.
    public func text(_ text: String, x: Double, y: Double, font: Font = .regular, size: Double = 10, gray: Double = 0) {
        content.text(text, x: x, y: y, font: font, size: size, gray: gray)
    }

    /// Draws text encoded and measured beforehand.
    func text(_ text: PDFText, x: Double, y: Double, font: Font = .regular, size: Double = 10, gray: Double = 0) {
        content.text(text, x: x, y: y, font: font, size: size, gray: gray)
    }

    /// Draws `text` so that it ends at `right`.
    public func textRightAligned(_ text: String, right: Double, y: Double, font: Font = .regular, size: Double = 10, gray: Double = 0) {
        self.text(text, x: right - Self.width(of: text, font: font, size: size), y: y, font: font, size: size, gray: gray)
    }

    /// Draws text encoded and measured beforehand so that it ends at `right`.
    func textRightAligned(_ text: PDFText, right: Double, y: Double, font: Font = .regular, size: Double = 10, gray: Double = 0) {
        self.text(text, x: right - text.width(font: font, size: size), y: y, font: font, size: size, gray: gray)
    }

    /// Draws as much of `text` as fits in `width`, ending with an ellipsis when cut.
    public func text(_ text: String, x: Double, y: Double, maxWidth: Double, font: Font = .regular, size: Double = 10) {
        self.text(Self.fitting(text, maxWidth: maxWidth, font: font, size: size), x: x, y: y, font: font, size: size)
    }

    /// As much of `text` as fits in `maxWidth`, ending with an ellipsis when cut.
    static func fitting(_ text: String, maxWidth: Double, font: Font, size: Double) -> String {
        var shown = text
        while !shown.isEmpty, width(of: shown, font: font, size: size) > maxWidth {
            shown = String(shown.dropLast(2)) + "…"
        }
        return shown
    }

    public func line(from start: (Double, Double), to end: (Double, Double), width: Double = 0.5, gray: Double = 0.6) {
        content.line(from: start, to: end, width: width, gray: gray)
    }

    public func fillRect(x: Double, y: Double, width: Double, height: Double, gray: Double) {
        content.fillRect(x: x, y: y, width: width, height: height, gray: gray)
    }

    public func strokeRect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 1, gray: Double = 0) {
        content.strokeRect(x: x, y: y, width: width, height: height, lineWidth: lineWidth, gray: gray)
    }

    /// Draws the total page count (known only at the end) at (`x`, `y`).
    public func pageCountPlaceholder(x: Double, y: Double) {
        content.pageCount(x: x, y: y)
    }

    /// Writes the open page out.
    public func endPage() throws {
        precondition(pageOpen, "no page is open")
        pageOpen = false
        let contentObject = nextObject
        let pageObject = nextObject + 1
        nextObject += 2
        try writeStream(contentObject, dictionary: "", data: content.bytes)
        try writeObject(pageObject, """
            << /Type /Page /Parent \(Self.pageTree) 0 R /MediaBox [0 0 \(Self.number(Self.a4Width)) \(Self.number(Self.a4Height))] \
            /Resources << /Font << /F1 4 0 R /F2 5 0 R >> /XObject << /PageCount \(Self.pageCountForm) 0 R >> >> \
            /Contents \(contentObject) 0 R >>
            """)
        pageObjects.append(pageObject)
    }

    /// Writes the page tree, the page count, the catalog and the cross-reference table.
    public func finish(title: String, author: String) throws {
        if pageOpen { try endPage() }
        if pageObjects.isEmpty {
            beginPage()
            try endPage()
        }
        var count = Data("BT /F1 8 Tf 0 0 Td (".utf8)
        count.append(Self.winAnsi(String(pageObjects.count)))
        count.append(Data(") Tj ET".utf8))
        try writeStream(Self.pageCountForm, dictionary: "/Type /XObject /Subtype /Form /BBox [0 -2 60 10] /Resources << /Font << /F1 4 0 R >> >>",
                        data: count)
        let kids = pageObjects.map { "\($0) 0 R" }.joined(separator: " ")
        try writeObject(Self.pageTree, "<< /Type /Pages /Kids [\(kids)] /Count \(pageObjects.count) >>")
        try writeObject(Self.catalog, "<< /Type /Catalog /Pages \(Self.pageTree) 0 R >>")
        let info = nextObject
        nextObject += 1
        var infoData = Data("<< /Title (".utf8)
        infoData.append(Self.winAnsi(title))
        infoData.append(Data(") /Author (".utf8))
        infoData.append(Self.winAnsi(author))
        infoData.append(Data(") /Producer (SelfCare) >>".utf8))
        try writeRawObject(info, infoData)
        let xref = offset
        var table = "xref\n0 \(nextObject)\n0000000000 65535 f \n"
        for number in 1..<nextObject {
            let position = objectOffsets[number] ?? 0
            let digits = String(position)
            table += String(repeating: "0", count: 10 - digits.count) + digits + (objectOffsets[number] == nil ? " 65535 f \n" : " 00000 n \n")
        }
        table += "trailer\n<< /Size \(nextObject) /Root \(Self.catalog) 0 R /Info \(info) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        try write(table)
    }

    // MARK: - Output

    private func write(_ text: String) throws {
        try write(Data(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }))
    }

    private func write(_ data: Data) throws {
        try sink(data)
        offset += data.count
    }

    private func writeObject(_ number: Int, _ body: String) throws {
        objectOffsets[number] = offset
        try write("\(number) 0 obj\n\(body)\nendobj\n")
    }

    private func writeRawObject(_ number: Int, _ body: Data) throws {
        objectOffsets[number] = offset
        var data = Data("\(number) 0 obj\n".utf8)
        data.append(body)
        data.append(Data("\nendobj\n".utf8))
        try write(data)
    }

    private func writeStream(_ number: Int, dictionary: String, data: some DataProtocol) throws {
        objectOffsets[number] = offset
        var out = Data("\(number) 0 obj\n<< \(dictionary) /Length \(data.count) >>\nstream\n".utf8)
        out.append(contentsOf: data)
        out.append(Data("\nendstream\nendobj\n".utf8))
        try write(out)
    }

    /// A coordinate with at most two decimals, as the page content writes it.
    static func number(_ value: Double) -> String {
        ByteWriter.withBuffer(capacity: 32, { $0.writeNumber(value) }) { String(decoding: $0, as: UTF8.self) }
    }
}
