import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import SelfCareWeb

/// The OpenAPI document and the server agree both ways: every documented operation has a route, and every other method
/// on a documented path answers 405 with `Allow`.
@Suite("API document and routes")
struct APIDocumentTests {
    static let document = try! OpenAPIDocument()
    static let methods: [HTTPRequest.Method] = [.get, .put, .post, .delete, .patch, .options]

    /// A documented path with its parameters filled in.
    static func concrete(_ segments: [String?]) -> String {
        "/" + segments.map { $0 ?? "x1" }.joined(separator: "/")
    }

    @Test("every documented operation reaches a route of the server")
    func documentedOperationsExist() async throws {
        try await WebTest.withPortal { portal in
            // given
            #expect(Self.document.operations.count >= 25)

            for operation in Self.document.operations {
                for method in operation.methods {
                    // when
                    let path = Self.concrete(operation.segments)
                    let answer = try await portal.client.execute(uri: path, method: HTTPRequest.Method(method)!, headers: [:])

                    // then the route answered (any status but the router's own 404 or 405)
                    #expect(answer.status != .methodNotAllowed, "\(method) \(path)")
                    let routerNotFound = answer.status == .notFound && answer.text.contains("\"message\":\"Not Found\"")
                    #expect(!routerNotFound, "\(method) \(path) has no route")
                }
            }
        }
    }

    @Test("a method the document does not list answers 405 with Allow naming the documented ones, also on odd paths")
    func undocumentedMethods() async throws {
        try await WebTest.withPortal { portal in
            var checked = 0
            for operation in Self.document.operations {
                for method in Self.methods where !operation.methods.contains(method.rawValue) {
                    // when
                    let path = Self.concrete(operation.segments)
                    let answer = try await portal.client.execute(uri: path, method: method, headers: [:])
                    let doubled = try await portal.client.execute(uri: "/" + path, method: method, headers: [:])

                    // then
                    #expect(answer.status == .methodNotAllowed, "\(method) \(path) → \(answer.status)")
                    #expect(answer.headers[.allow] == operation.methods.joined(separator: ", "), "\(method) \(path)")
                    #expect((answer.json["error"] as? [String: Any])?["code"] as? String == "method_not_allowed")
                    #expect(doubled.status == .methodNotAllowed, "\(method) /\(path)")
                    checked += 1
                }
            }
            #expect(checked > 100)
        }
    }

    @Test("an unknown path under the API stays 404")
    func unknownPath() async throws {
        try await WebTest.withPortal { portal in
            // when
            let answer = try await portal.client.execute(uri: "/api/v1/nothingHere", method: .delete, headers: [:])

            // then
            #expect(answer.status == .notFound)
            #expect(answer.headers[.allow] == nil)
        }
    }
}
