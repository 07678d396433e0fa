import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Security headers on every response, HSTS only when the portal is reached over HTTPS.
@Suite("Security headers")
struct SecurityHeadersTests {
    /// Pages, errors, redirects, assets and API answers, each with the status it gets without a login.
    static let paths: [(String, HTTPResponse.Status)] = [
        ("/", .ok), ("/health", .ok), ("/no-such-page", .notFound), ("/login", .ok), ("/register", .ok), ("/terms", .ok),
        ("/assets/site.css", .ok), ("/api/v1/openapi.yaml", .ok), ("/api/v1/customerBill", .unauthorized),
        ("//api/v1/customerBill", .unauthorized), ("/account", .seeOther),
    ]

    /// The directives of a Content-Security-Policy by name.
    static func directives(_ policy: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for directive in policy.split(separator: ";") {
            let words = directive.split(separator: " ").map(String.init)
            guard let name = words.first else { continue }
            result[name] = Array(words.dropFirst())
        }
        return result
    }

    @Test("every response carries a strict CSP, nosniff and a referrer policy", arguments: paths)
    func headersOnEveryResponse(path: String, status: HTTPResponse.Status) async throws {
        try await WebTest.withApp { client in
            // given

            // when
            let response = try await client.execute(uri: path, method: .get)

            // then
            #expect(response.status == status)
            let policy = try #require(response.headers[.contentSecurityPolicy])
            let directives = Self.directives(policy)
            let scripts = try #require(directives["script-src"] ?? directives["default-src"])
            #expect(!scripts.contains("'unsafe-inline'"))
            #expect(!scripts.contains("'unsafe-eval'"))
            #expect(directives["frame-ancestors"] == ["'none'"])
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[HTTPField.Name("Referrer-Policy")!] != nil)
        }
    }

    @Test("no Strict-Transport-Security in development over http", arguments: paths.map(\.0))
    func noHSTSOverHTTP(path: String) async throws {
        try await WebTest.withApp(publicURL: "http://127.0.0.1:8080") { client in
            // given a portal reached over http

            // when
            let response = try await client.execute(uri: path, method: .get)

            // then
            #expect(response.headers[.strictTransportSecurity] == nil)
        }
    }

    @Test("Strict-Transport-Security when the public URL is https", arguments: paths.map(\.0))
    func hstsOverHTTPS(path: String) async throws {
        try await WebTest.withApp(publicURL: "https://selfcare.example.mu") { client in
            // given a portal reached over https

            // when
            let response = try await client.execute(uri: path, method: .get)

            // then
            let hsts = try #require(response.headers[.strictTransportSecurity])
            #expect(hsts.contains("max-age="))
        }
    }

    @Test("the language cookie is Secure over https")
    func secureCookieOverHTTPS() async throws {
        try await WebTest.withApp(publicURL: "https://selfcare.example.mu") { client in
            // given

            // when
            let response = try await client.execute(uri: "/?lang=en", method: .get)

            // then
            let cookie = try #require(response.setCookies.first { $0.hasPrefix("lang=") })
            #expect(cookie.localizedCaseInsensitiveContains("Secure"))
        }
    }
}
