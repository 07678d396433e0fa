import Foundation
import SelfCareCore
import SelfCareTestSupport
import Testing
@testable import SelfCareDocuments

/// The small PDF writer: valid files of any length, WinAnsi text that `pdftotext` reads back, "n / N" page numbers.
@Suite("PDF writer")
struct PDFWriterTests {
    /// A document of `pages` pages, each with `lines` of text and the footer "n / N".
    static func document(pages: Int, lines: (Int) -> [String] = { ["Page body \($0)"] }) throws -> Data {
        var bytes = Data()
        let pdf = try PDFWriter(sink: { bytes.append($0) })
        for page in 1...pages {
            pdf.beginPage()
            var y = 780.0
            for line in lines(page) {
                pdf.text(line, x: 42, y: y)
                y -= 14
            }
            pdf.line(from: (42, 60), to: (553, 60))
            pdf.fillRect(x: 42, y: 700, width: 100, height: 10, gray: 0.9)
            pdf.strokeRect(x: 400, y: 700, width: 150, height: 60)
            pdf.textRightAligned("\(pdf.pageCount) /", right: 525, y: 30, size: 8)
            pdf.pageCountPlaceholder(x: 528, y: 30)
            try pdf.endPage()
        }
        try pdf.finish(title: "Facture d'essai (octobre)", author: "Lagoon Mobile")
        return bytes
    }

    @Test("an empty document is still a one-page PDF",
          .enabled(if: PDFTools.available, "needs qpdf and pdftotext (poppler-utils)"))
    func emptyDocumentIsAPDF() throws {
        // given
        var bytes = Data()
        let pdf = try PDFWriter(sink: { bytes.append($0) })

        // when
        try pdf.finish(title: "t", author: "a")

        // then
        #expect(bytes.starts(with: Data("%PDF-1.4".utf8)))
        #expect(String(decoding: bytes.suffix(6), as: UTF8.self) == "%%EOF\n")
        let check = try PDFTools.check(bytes)
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("a multi-page document passes qpdf --check and has every page",
          .enabled(if: PDFTools.available, "needs qpdf and pdftotext (poppler-utils)"))
    func multiPageDocumentIsValid() throws {
        // given
        let pages = 7

        // when
        let bytes = try Self.document(pages: pages) { page in (1...40).map { "Page \(page), line \($0)" } }

        // then
        let check = try PDFTools.check(bytes)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("No syntax or stream encoding errors found"))
        let text = try PDFTools.pages(bytes)
        #expect(text.count == pages)
        #expect(text[6].contains("Page 7, line 40"))
    }

    @Test("pages are handed to the sink as soon as they end, not held until the end")
    func streamsPageByPage() throws {
        // given
        var bytes = Data()
        let pdf = try PDFWriter(sink: { bytes.append($0) })
        pdf.beginPage()
        pdf.text(String(repeating: "streamed text ", count: 200), x: 42, y: 700)
        let beforeEnd = bytes.count

        // when
        try pdf.endPage()
        let afterEnd = bytes.count

        // then
        #expect(afterEnd - beforeEnd > 2_800)
        #expect(String(decoding: bytes, as: UTF8.self).contains("streamed text streamed text"))
    }

    @Test("pdftotext reads back the French and English texts written, accents and no-break spaces included",
          .enabled(if: PDFTools.available, "needs qpdf and pdftotext (poppler-utils)"))
    func textsReadBack() throws {
        // given
        let texts = [
            "Échéance : 22 novembre 2026", "Reste à payer", "N° de facture", "Œuvre déjà réglée, à l'été", "Due date: 22 November 2026",
            "Total TTC \(Money(cents: 123_450).formatted(.french))", "Total \(Money(cents: 123_450).formatted(.english))",
            "Prix : 12 € — “net”",
        ]

        // when
        let bytes = try Self.document(pages: 1) { _ in texts }
        let text = try PDFTools.text(bytes).normalizedSpaces

        // then
        for line in texts { #expect(text.contains(line.normalizedSpaces), "\(line) missing from \(text)") }
        #expect(text.contains("Total TTC 1 234,50 Rs"))
        #expect(text.contains("Total Rs 1,234.50"))
    }

    @Test("text is WinAnsi: Latin-1 letters as themselves, €, œ and typographic quotes by their CP-1252 codes, anything else as ?")
    func winAnsiEncoding() {
        // given
        let text = "é€œ“”…→中"

        // when
        let bytes = [UInt8](PDFWriter.winAnsi(text))

        // then
        #expect(bytes == [0xE9, 0x80, 0x9C, 0x93, 0x94, 0x85, 0x3F, 0x3F])
    }

    @Test("(, ) and \\ in text are escaped, and read back as written",
          .enabled(if: PDFTools.available, "needs qpdf and pdftotext (poppler-utils)"))
    func escaping() throws {
        // given
        let text = #"Total (excl. VAT) \ 100%"#

        // when
        let encoded = String(decoding: PDFWriter.winAnsi(text), as: UTF8.self)
        let bytes = try Self.document(pages: 1) { _ in [text, "((("] }

        // then
        #expect(encoded == #"Total \(excl. VAT\) \\ 100%"#)
        let check = try PDFTools.check(bytes)
        #expect(check.status == 0, "\(check.output)")
        let read = try PDFTools.text(bytes)
        #expect(read.contains(text))
        #expect(read.contains("((("))
    }

    @Test("the page count placeholder shows n / N on every page",
          .enabled(if: PDFTools.available, "needs qpdf and pdftotext (poppler-utils)"))
    func pageNumbers() throws {
        // given
        let pages = 3

        // when
        let bytes = try Self.document(pages: pages)
        let text = try PDFTools.pages(bytes, mode: .raw)

        // then
        #expect(text.count == pages)
        for (index, page) in text.enumerated() {
            #expect(page.normalizedSpaces.contains("\(index + 1) / \(pages)"), "page \(index + 1): \(page)")
        }
    }

    @Test("digits all have the same width, so right-aligned amounts line up", arguments: [PDFWriter.Font.regular, .bold])
    func tabularDigits(font: PDFWriter.Font) {
        // given
        let digits = (0...9).map { String($0) }

        // when
        let widths = digits.map { PDFWriter.width(of: $0, font: font, size: 10) }

        // then
        #expect(Set(widths).count == 1)
        #expect(PDFWriter.width(of: "1 111,11 Rs", font: font, size: 9) == PDFWriter.width(of: "9 870,65 Rs", font: font, size: 9))
        #expect(PDFWriter.width(of: "Échéance", font: font, size: 10) == PDFWriter.width(of: "Echeance", font: font, size: 10))
    }

    @Test("right-aligned text ends at the given edge")
    func rightAlignment() throws {
        // given
        var bytes = Data()
        let pdf = try PDFWriter(sink: { bytes.append($0) })
        pdf.beginPage()
        let width = PDFWriter.width(of: "Rs 12.50", font: .regular, size: 10)

        // when
        pdf.textRightAligned("Rs 12.50", right: 500, y: 100)
        try pdf.endPage()

        // then
        #expect(abs(width - 40.02) < 0.001)
        #expect(String(decoding: bytes, as: UTF8.self).contains("459.98 100 Td (Rs 12.50) Tj"))
    }
}
