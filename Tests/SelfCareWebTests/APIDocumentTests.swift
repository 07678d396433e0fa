import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareServices
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

/// Issue 14.3: `/api/docs`, the reference rendered by the portal from its own document.
@Suite("API reference page")
struct APIReferencePageTests {
    @Test("the document reads as a reference of every operation")
    func reads() throws {
        // given
        let text = String(decoding: APIDocumentTests.document.data, as: UTF8.self)

        // when
        let reference = try APIReferencePage(yaml: text)

        // then
        #expect(reference.operationCount == APIDocumentTests.document.operations.reduce(0) { $0 + $1.methods.count })
    }

    @Test("a paragraph the document wraps over several lines stays one paragraph; lists, tables and code keep their lines")
    func wrappedParagraphs() {
        // given
        let markdown = "A sentence wrapped\nover two lines.\n\n- one item\n  continued\n- two\n\n| a | b |\n|---|---|\n\n```\nx\ny\n```"

        // when
        let html = ReferenceMarkdown.html(markdown)

        // then
        #expect(html.contains("<p>A sentence wrapped over two lines.</p>"))
        #expect(html.contains("one item continued"))
        #expect(html.contains("x\ny"))
    }

    @Test("the reference renders every operation of the document, in French and English, with nothing from elsewhere",
          arguments: ["en", "fr"])
    func everyOperation(language: String) async throws {
        try await WebTest.withPortal { portal in
            // given
            let text = String(decoding: APIDocumentTests.document.data, as: UTF8.self)
            let operationIDs = text.matches(of: /\n      operationId: ([A-Za-z]+)/).map { String($0.output.1) }
            let documented = APIDocumentTests.document.operations.reduce(0) { $0 + $1.methods.count }

            // when
            let page = try await portal.browser(acceptLanguage: language).get("/api/docs")

            // then
            #expect(page.status == .ok)
            #expect(operationIDs.count == documented)
            for id in operationIDs {
                #expect(page.text.contains(#"<article class="card api-operation" id="\#(id)">"#), "operation \(id)")
            }
            #expect(page.text.contains(#"<span class="method post">POST</span> <code>/api/v1/payment</code>"#))
            #expect(page.text.contains("<code>billingAccount.id</code>"))
            #expect(!page.text.contains("<script"))
            #expect(page.text.matches(of: /(src|href)="(https?:)?\/\//).isEmpty)
            #expect(page.text.contains(language == "fr" ? "Référence de l&#39;API" : "API reference"))
        }
    }
}

/// The server checks a hub callback with the very pattern the document states.
@Suite("Callback pattern")
struct CallbackPatternTests {
    @Test("the document's callback pattern is the one the server checks")
    func samePattern() throws {
        // given
        let text = String(decoding: APIDocumentTests.document.data, as: UTF8.self)

        // when
        let documented = try #require(text.firstMatch(of: /\n *pattern: "\^(\[Hh\]\[Tt\][^\n]*)\$"\n/).map { String($0.output.1) })

        // then
        #expect(documented.replacingOccurrences(of: "\\\\", with: "\\") == CallbackPolicy.shapePattern)
    }
}
