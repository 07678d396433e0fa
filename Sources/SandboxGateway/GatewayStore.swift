import Foundation
import SelfCareStore
import SQLKit

/// The sandbox's own schema: checkout sessions and the events to deliver. No card number or CVC, ever.
enum GatewaySchema {
    static let migrations: [Migration] = [
        Migration(1, "createCheckoutSessions", [
            """
            CREATE TABLE checkout_sessions (
                id TEXT PRIMARY KEY,
                idempotency_key TEXT NOT NULL UNIQUE,
                request_digest TEXT NOT NULL,
                amount {int} NOT NULL,
                currency TEXT NOT NULL,
                reference TEXT NOT NULL,
                success_url TEXT NOT NULL,
                cancel_url TEXT NOT NULL,
                status TEXT NOT NULL,
                payment_status TEXT NOT NULL,
                card_brand TEXT,
                card_last4 TEXT,
                failure_code TEXT,
                created_at {int} NOT NULL,
                expires_at {int} NOT NULL
            )
            """,
            """
            CREATE TABLE gateway_events (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                session_id TEXT NOT NULL REFERENCES checkout_sessions (id),
                body TEXT NOT NULL,
                attempts {int} NOT NULL DEFAULT 0,
                next_attempt_at {int} NOT NULL,
                delivered_at {int}
            )
            """,
            "CREATE INDEX gateway_events_due ON gateway_events (delivered_at, next_attempt_at)",
        ]),
        Migration(2, "updateCheckoutSessionsAddDescription", [
            "ALTER TABLE checkout_sessions ADD COLUMN description TEXT",
        ]),
    ]
}

/// A checkout session as the sandbox keeps it.
struct CheckoutSession: Sendable, Codable {
    var id: String
    var status: String
    var paymentStatus: String
    var amount: Int64
    var currency: String
    var reference: String
    /// What the merchant says is paid, shown on the card page.
    var description: String?
    var successURL: String
    var cancelURL: String
    var cardBrand: String?
    var cardLast4: String?
    var failureCode: String?
    var expiresAt: Date
    var requestDigest: String
}

struct GatewayRepository: Sendable {
    func insert(_ session: CheckoutSession, idempotencyKey: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO checkout_sessions (id, idempotency_key, request_digest, amount, currency, reference, description, success_url,
                cancel_url, status, payment_status, created_at, expires_at)
            VALUES (\(bind: session.id), \(bind: idempotencyKey), \(bind: session.requestDigest), \(bind: session.amount),
                \(bind: session.currency), \(bind: session.reference), \(bind: session.description), \(bind: session.successURL),
                \(bind: session.cancelURL),
                \(bind: session.status), \(bind: session.paymentStatus), \(bind: Int64(now.timeIntervalSince1970)),
                \(bind: Int64(session.expiresAt.timeIntervalSince1970)))
            """).run()
    }

    func session(id: String, on db: any SQLDatabase) async throws -> CheckoutSession? {
        try await db.raw("SELECT * FROM checkout_sessions WHERE id = \(bind: id)").first().map(Self.session(from:))
    }

    func session(idempotencyKey: String, on db: any SQLDatabase) async throws -> CheckoutSession? {
        try await db.raw("SELECT * FROM checkout_sessions WHERE idempotency_key = \(bind: idempotencyKey)").first().map(Self.session(from:))
    }

    /// Keeps the brand and last four digits of a card waiting for its 3-D Secure challenge.
    func rememberCard(_ id: String, brand: String, last4: String, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE checkout_sessions SET card_brand = \(bind: brand), card_last4 = \(bind: last4) WHERE id = \(bind: id)").run()
    }

    /// Records the outcome of a card attempt (brand and last four only) and queues the event announcing it.
    func complete(
        _ id: String, status: String, paymentStatus: String, brand: String?, last4: String?, failureCode: String?,
        eventType: String, eventBody: @Sendable (CheckoutSession) throws -> Data, now: Date, on db: any SQLDatabase
    ) async throws -> Bool {
        // Only an open checkout that has not expired takes the card: a second submission or a late one changes nothing.
        let completed = try await db.raw("""
            UPDATE checkout_sessions SET status = \(bind: status), payment_status = \(bind: paymentStatus), card_brand = \(bind: brand),
                card_last4 = \(bind: last4), failure_code = \(bind: failureCode)
            WHERE id = \(bind: id) AND status = 'open' AND expires_at >= \(bind: Int64(now.timeIntervalSince1970))
            RETURNING id
            """).first() != nil
        guard completed, let session = try await session(id: id, on: db) else { return false }
        let eventID = "evt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await db.raw("""
            INSERT INTO gateway_events (id, type, session_id, body, attempts, next_attempt_at)
            VALUES (\(bind: eventID), \(bind: eventType), \(bind: id), \(bind: String(decoding: try eventBody(session), as: UTF8.self)), 0,
                \(bind: Int64(now.timeIntervalSince1970)))
            """).run()
        return true
    }

    func dueEvents(now: Date, limit: Int, on db: any SQLDatabase) async throws -> [(id: String, body: String, attempts: Int64)] {
        try await db.raw("""
            SELECT id, body, attempts FROM gateway_events WHERE delivered_at IS NULL AND next_attempt_at <= \(bind: Int64(now.timeIntervalSince1970))
            ORDER BY next_attempt_at LIMIT \(bind: limit)
            """).all().map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "body", as: String.self),
                              try $0.decode(column: "attempts", as: Int64.self)) }
    }

    func markDelivered(_ id: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE gateway_events SET delivered_at = \(bind: Int64(now.timeIntervalSince1970)), attempts = attempts + 1 WHERE id = \(bind: id)").run()
    }

    func retryLater(_ id: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE gateway_events SET attempts = attempts + 1, next_attempt_at = \(bind: Int64(date.timeIntervalSince1970)) WHERE id = \(bind: id)").run()
    }

    static func session(from row: any SQLRow) throws -> CheckoutSession {
        func optional(_ column: String) throws -> String? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
        }
        return CheckoutSession(
            id: try row.decode(column: "id", as: String.self), status: try row.decode(column: "status", as: String.self),
            paymentStatus: try row.decode(column: "payment_status", as: String.self), amount: try row.decode(column: "amount", as: Int64.self),
            currency: try row.decode(column: "currency", as: String.self), reference: try row.decode(column: "reference", as: String.self),
            description: try optional("description"), successURL: try row.decode(column: "success_url", as: String.self), cancelURL: try row.decode(column: "cancel_url", as: String.self),
            cardBrand: try optional("card_brand"), cardLast4: try optional("card_last4"), failureCode: try optional("failure_code"),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: "expires_at", as: Int64.self))),
            requestDigest: try row.decode(column: "request_digest", as: String.self))
    }
}
