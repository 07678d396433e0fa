import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SelfCareStore
@testable import SelfCareServices
@testable import SelfCareWeb

/// The portal as the tests see it: `buildApplication` on a fresh SQLite file, in development mode, on port 0.
enum WebTest {
    static let logger: Logger = {
        var logger = Logger(label: "selfcare.web-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` against a fresh application (reached at `publicURL`), then removes its database.
    static func withApp(
        publicURL: String = "http://127.0.0.1:0", _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-web-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = AppConfiguration(
            mode: .development, host: "127.0.0.1", port: 0, publicURL: publicURL,
            database: .sqlite(path: folder.appendingPathComponent("portal.sqlite").path))
        let app = try await buildApplication(configuration: configuration, logger: logger)
        try await app.test(.router) { client in try await body(client) }
    }
}

extension TestResponse {
    /// The body as UTF-8 text.
    var text: String { String(buffer: body) }

    /// The `Set-Cookie` values.
    var setCookies: [String] { headers[values: .setCookie] }
}
