import Foundation
import Hummingbird

/// The OpenAPI description the portal serves, and the methods it documents for each path: the answer to a request
/// with another method is 405 with `Allow`, so the document and the server agree on what exists.
struct OpenAPIDocument: Sendable {
    let bytes: ByteBuffer
    /// The document's text as served.
    let data: Data
    /// Documented paths, their segments (nil for a `{parameter}`) and methods (upper case).
    let operations: [(segments: [String?], methods: [String])]

    init(url: URL = webResources.appendingPathComponent("openapi.yaml")) throws {
        let data = try Data(contentsOf: url)
        self.data = data
        bytes = ByteBuffer(bytes: data)
        operations = Self.operations(in: String(decoding: data, as: UTF8.self))
    }

    /// The methods documented for `path` (slashes collapsed), or nil when no documented path matches it.
    func methods(for path: String) -> [String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        return operations.first { operation in
            operation.segments.count == parts.count && zip(operation.segments, parts).allSatisfy { $0 == nil || $0 == $1 }
        }?.methods
    }

    /// Paths (two-space keys starting with `/` under `paths:`) and their methods (four-space keys that are HTTP methods).
    static func operations(in text: String) -> [(segments: [String?], methods: [String])] {
        let methodNames: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var result: [(segments: [String?], methods: [String])] = []
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                let path = line.dropFirst(2).dropLast()
                let segments = path.split(separator: "/").map { $0.hasPrefix("{") ? nil : String($0) }
                result.append((segments, []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), !result.isEmpty {
                let name = String(line.dropFirst(4).dropLast())
                if methodNames.contains(name) { result[result.count - 1].methods.append(name.uppercased()) }
            }
        }
        return result
    }
}

/// A request to a documented path with a method the document does not list: 405 with `Allow`, not 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let document: OpenAPIDocument

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = ErrorPageMiddleware.collapsingSlashes(request.uri.path)
            guard let methods = document.methods(for: path), !methods.contains(request.method.rawValue) else { throw error }
            var response = try JSONResponse.error(
                .methodNotAllowed, code: "method_not_allowed", message: "\(request.method.rawValue) is not allowed here; use \(methods.joined(separator: ", ")).")
            response.headers[.allow] = methods.joined(separator: ", ")
            return response
        }
    }
}
