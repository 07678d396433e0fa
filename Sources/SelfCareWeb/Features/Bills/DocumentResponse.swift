import Foundation
import Hummingbird
import SelfCareServices

/// Streams a document as the response body: written as it is produced, never held whole. `attachment` asks the
/// browser to save it under its file name.
enum DocumentResponse {
    static func make(_ document: DocumentStream, attachment: Bool = true) -> Response {
        var headers: HTTPFields = [.contentType: document.contentType, .cacheControl: "private, no-store"]
        if attachment { headers[.contentDisposition] = "attachment; filename=\"\(document.filename)\"" }
        if let whole = document.whole { return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: whole))) }
        let body = ResponseBody { writer in
            let box = WriterBox(writer)
            try await document.write { data in try await box.write(ByteBuffer(bytes: data)) }
            writer = box.writer
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

/// Lets the document's sendable sink write to the response body writer it is called from.
private final class WriterBox: @unchecked Sendable {
    var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) {
        self.writer = writer
    }

    func write(_ buffer: ByteBuffer) async throws {
        try await writer.write(buffer)
    }
}
