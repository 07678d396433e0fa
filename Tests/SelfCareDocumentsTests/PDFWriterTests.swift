import Foundation
import Testing
@testable import SelfCareDocuments

@Suite("PDF writer") struct PDFWriterPlaceholderTests {
    @Test func emptyDocumentIsAPDF() throws {
        // given
        var bytes = Data()
        // when
        let pdf = try PDFWriter(sink: { bytes.append($0) })
        try pdf.finish(title: "t", author: "a")
        // then
        #expect(bytes.starts(with: Data("%PDF-1.4".utf8)))
    }
}
