import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SelfCareCore
import SelfCareStore
import SQLKit
import Synchronization
@testable import SandboxGateway

/// A clock the gateway tests set and move.
final class TestClock: WallClock {
    private let current: Mutex<Date>

    init(_ start: Date = GatewayTest.today) {
        current = Mutex(start)
    }

    func now() -> Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// What the hosted card form posts.
struct CardForm: Sendable {
    var number: String
    var expMonth = "12"
    var expYear = "2030"
    var cvc = GatewayTest.cvc
    var name = "Aline Ramdin"

    var fields: [(String, String)] {
        [("cardholder_name", name), ("card_number", number), ("exp_month", expMonth), ("exp_year", expYear), ("cvc", cvc)]
    }
}

/// The sandbox gateway as the tests see it: its router on a fresh SQLite file, a test clock, and its own store to look
/// into (events stay queued: no webhook sender runs).
struct GatewayTest: Sendable {
    let gateway: SandboxGateway
    let client: any TestClientProtocol
    let clock: TestClock
    let databasePath: String

    /// 20 November 2026, 10:00 in Mauritius.
    static let today = Date(timeIntervalSince1970: 1_795_154_400)
    static let secretKey = "sk_test_gatewaytests0123456789"
    static let webhookSecret = "whsec_" + Data((0..<24).map { UInt8($0 * 7 + 3) }).base64EncodedString()
    static let publicURL = "http://gateway.test:8081"
    /// A CVC that appears nowhere else (no amount, time or reference in these tests holds it).
    static let cvc = "864"

    static let logger: Logger = {
        var logger = Logger(label: "sandbox-gateway-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` against a fresh gateway, then removes its store.
    static func with(_ body: @escaping @Sendable (GatewayTest) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-gateway-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("gateway.sqlite").path
        let clock = TestClock()
        let gateway = try await SandboxGateway.open(
            GatewayConfiguration(host: "127.0.0.1", port: 0, publicURL: publicURL, secretKey: secretKey, webhookSecret: webhookSecret,
                                 webhookURL: "http://127.0.0.1:9/webhooks/gateway", database: .sqlite(path: path)),
            clock: clock, logger: logger)
        do {
            let app = Application(router: gateway.router(), logger: logger)
            try await app.test(.router) { client in
                try await body(GatewayTest(gateway: gateway, client: client, clock: clock, databasePath: path))
            }
        } catch {
            await gateway.database.close()
            throw error
        }
        await gateway.database.close()
    }

    // MARK: - Checkout API

    /// A create body; `reference` names what is paid.
    static func createBody(amount: Int64 = 125_050, reference: String = "pay_ref_one",
                           successUrl: String = "https://portal.test/payments/pay_ref_one/return",
                           cancelUrl: String = "https://portal.test/payments/pay_ref_one/return?cancel=1") -> [String: any Sendable] {
        ["amount": amount, "currency": "MUR", "reference": reference, "successUrl": successUrl, "cancelUrl": cancelUrl]
    }

    /// `POST /v1/checkout/sessions`; `key` nil sends no `Idempotency-Key`, `secret` nil no `Authorization`.
    func create(_ body: [String: any Sendable] = GatewayTest.createBody(), key: String? = "key-one",
                secret: String? = GatewayTest.secretKey) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        if let secret { headers[.authorization] = "Bearer \(secret)" }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return try await client.execute(uri: "/v1/checkout/sessions", method: .post, headers: headers, body: ByteBuffer(bytes: data))
    }

    /// Creates a session and returns its id.
    func openSession(amount: Int64 = 125_050, reference: String = "pay_ref_one", key: String = "key-one") async throws -> String {
        let answer = try await create(GatewayTest.createBody(amount: amount, reference: reference), key: key)
        guard answer.status == .created, let id = answer.json["id"] as? String else {
            throw GatewayTestError("session not created: \(answer.status) \(answer.text)")
        }
        return id
    }

    /// `GET /v1/checkout/sessions/{id}` with the secret key.
    func session(_ id: String, secret: String? = GatewayTest.secretKey) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let secret { headers[.authorization] = "Bearer \(secret)" }
        return try await client.execute(uri: "/v1/checkout/sessions/\(id)", method: .get, headers: headers)
    }

    // MARK: - Hosted page

    func page(_ path: String, acceptLanguage: String = "en") async throws -> TestResponse {
        try await client.execute(uri: path, method: .get, headers: [.acceptLanguage: acceptLanguage])
    }

    /// Posts a form to the hosted page.
    func post(_ path: String, _ fields: [(String, String)], acceptLanguage: String = "en") async throws -> TestResponse {
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await client.execute(
            uri: path, method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: acceptLanguage], body: ByteBuffer(string: body))
    }

    /// Submits the card form of a session.
    func pay(_ id: String, _ card: CardForm) async throws -> TestResponse {
        try await post("/pay/\(id)", card.fields)
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    // MARK: - The gateway's store

    /// The events queued for a session: type and body, in insertion order.
    func events(of sessionID: String) async throws -> [(type: String, body: String, delivered: Bool)] {
        try await gateway.database.read { db in
            try await db.raw("""
                SELECT type, body, delivered_at FROM gateway_events WHERE session_id = \(bind: sessionID) ORDER BY rowid
                """).all().map { row in
                (try row.decode(column: "type", as: String.self), try row.decode(column: "body", as: String.self),
                 !(try row.decodeNil(column: "delivered_at")))
            }
        }
    }

    /// The number of rows of a table.
    func count(_ table: String) async throws -> Int {
        try await gateway.database.read { db in
            Int(try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!.decode(column: "n", as: Int64.self))
        }
    }

    /// Every value of every column of every table of the gateway's SQLite file, as text (`table.column: value`).
    func everyStoredValue() async throws -> [String] {
        try await StoreScan.everyValue(path: databasePath)
    }
}

/// Reads every table and column of a SQLite file through its own connection.
enum StoreScan {
    static func everyValue(path: String) async throws -> [String] {
        let database = try await Database.open(.sqlite(path: path), logger: GatewayTest.logger)
        do {
            let values = try await database.read { db -> [String] in
                let tables = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                var values: [String] = []
                for table in tables {
                    let columns = try await db.raw("SELECT name FROM pragma_table_info(\(bind: table))").all()
                        .map { try $0.decode(column: "name", as: String.self) }
                    for column in columns {
                        let rows = try await db.raw("SELECT CAST(\(ident: column) AS TEXT) AS v FROM \(ident: table)").all()
                        for row in rows where !(try row.decodeNil(column: "v")) {
                            values.append("\(table).\(column): \(try row.decode(column: "v", as: String.self))")
                        }
                    }
                }
                return values
            }
            await database.close()
            return values
        } catch {
            await database.close()
            throw error
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

    var location: String? { headers[.location] }
}

struct GatewayTestError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
