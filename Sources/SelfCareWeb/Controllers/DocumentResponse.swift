import Foundation
import Hummingbird
import SelfCareCore
import SelfCareDocuments
import SelfCareServices

/// Streams a bill document (PDF or CSV) as the response body: written as it is produced, never held whole.
enum DocumentResponse {
    enum Format: String {
        case pdf
        case csv
    }

    static func make(
        _ document: BillDocument, records: @escaping ItemisedRecords, format: Format, language: Language, localizer: Localizer
    ) -> Response {
        let filename = "\(document.billNo).\(format.rawValue)"
        let contentType = format == .pdf ? "application/pdf" : "text/csv; charset=utf-8"
        let body = ResponseBody { writer in
            let box = WriterBox(writer)
            switch format {
            case .csv:
                try await BillCSV.write(document, records: records) { text in try await box.write(ByteBuffer(string: text)) }
            case .pdf:
                let labels: BillPDF.Labels = { localizer.text($0, language) }
                try await BillPDF(language: language, labels: labels).write(document, records: records) { data in
                    try await box.write(ByteBuffer(bytes: data))
                }
            }
            writer = box.writer
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType, .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "private, no-store",
            ],
            body: body)
    }
}

/// Lets the document writers' sendable sinks write to the response body writer they are called from.
private final class WriterBox: @unchecked Sendable {
    var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) {
        self.writer = writer
    }

    func write(_ buffer: ByteBuffer) async throws {
        try await writer.write(buffer)
    }
}
