import Foundation
import Hummingbird
import SelfCareServices

/// JSON answers of the API, including its error shape `{"error": {"code", "message"}}`.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var field: String?
        }

        var error: Detail
    }

    static func error(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) throws -> Response {
        try make(ErrorBody(error: .init(code: code, message: message, field: field)), status: status)
    }
}
