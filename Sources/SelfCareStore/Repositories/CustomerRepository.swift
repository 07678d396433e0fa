import Foundation
import SelfCareCore
import SQLKit

/// Clients and their billing accounts (lines).
package struct CustomerRepository: Sendable {
    package init() {}

    package func client(reference: String, on db: any SQLDatabase) async throws -> StoredClient? {
        try await db.raw("SELECT * FROM clients WHERE client_ref = \(bind: reference)").first().map(Self.client(from:))
    }

    package func client(rowID: Int64, on db: any SQLDatabase) async throws -> StoredClient? {
        try await db.raw("SELECT * FROM clients WHERE id = \(bind: rowID)").first().map(Self.client(from:))
    }

    /// True when at least one client is stored.
    package func hasClients(on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT id FROM clients LIMIT 1").first() != nil
    }

    /// True when a stored client's reference begins with `prefix` (compared case-sensitively on both engines).
    package func hasClients(referencePrefix prefix: String, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT id FROM clients WHERE substr(client_ref, 1, length(\(bind: prefix))) = \(bind: prefix) LIMIT 1
            """).first() != nil
    }

    /// The client whose confidential Client ID has this keyed digest (`ClientIDKey.digest`), if any.
    package func client(clientIDDigest digest: String, on db: any SQLDatabase) async throws -> StoredClient? {
        try await db.raw("SELECT * FROM clients WHERE client_id_digest = \(bind: digest)").first().map(Self.client(from:))
    }

    /// The client whose confidential Client ID is `clientID`, if any.
    package func client(clientID: ClientID, key: ClientIDKey, on db: any SQLDatabase) async throws -> StoredClient? {
        try await client(clientIDDigest: key.digest(clientID), on: db)
    }

    /// Creates the client or updates its name, kind and contacts; returns its row id.
    package func upsert(_ client: Client, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        let row = try await db.raw("""
            INSERT INTO clients (client_ref, name, kind, contact_email, contact_msisdn, created_at, updated_at)
            VALUES (\(bind: client.reference), \(bind: client.name), \(bind: client.kind.rawValue), \(bind: client.contactEmail),
                    \(bind: client.contactMSISDN?.e164), \(bind: now.storedSeconds), \(bind: now.storedSeconds))
            ON CONFLICT (client_ref) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                contact_email = excluded.contact_email, contact_msisdn = excluded.contact_msisdn,
                updated_at = CASE WHEN clients.name = excluded.name AND clients.kind = excluded.kind
                    AND clients.contact_email IS NOT DISTINCT FROM excluded.contact_email
                    AND clients.contact_msisdn IS NOT DISTINCT FROM excluded.contact_msisdn
                    THEN clients.updated_at ELSE excluded.updated_at END
            RETURNING id
            """).first()
        return try row!.value("id")
    }

    /// Stores a new Client ID for the client (only its keyed digest); the previous one stops working, and so do the
    /// sessions and tokens of the client's login.
    package func setClientID(digest: String, forClient rowID: Int64, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE clients SET client_id_digest = \(bind: digest), client_id_issued_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: rowID)
            """).run()
        try await db.raw("""
            DELETE FROM sessions WHERE user_id IN (SELECT id FROM portal_users WHERE client_id = \(bind: rowID))
            """).run()
        try await db.raw("""
            UPDATE api_tokens SET revoked_at = \(bind: now.storedSeconds)
            WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM portal_users WHERE client_id = \(bind: rowID))
            """).run()
    }

    package func account(id: AccountID, on db: any SQLDatabase) async throws -> StoredAccount? {
        try await db.raw("\(unsafeRaw: Self.accountSelect) WHERE a.account_id = \(bind: id.rawValue)").first().map(Self.account(from:))
    }

    package func account(msisdn: MSISDN, on db: any SQLDatabase) async throws -> StoredAccount? {
        try await db.raw("\(unsafeRaw: Self.accountSelect) WHERE a.msisdn = \(bind: msisdn.e164)").first().map(Self.account(from:))
    }

    package func account(rowID: Int64, on db: any SQLDatabase) async throws -> StoredAccount? {
        try await db.raw("\(unsafeRaw: Self.accountSelect) WHERE a.id = \(bind: rowID)").first().map(Self.account(from:))
    }

    /// The client's accounts in Account ID order.
    package func accounts(ofClient rowID: Int64, on db: any SQLDatabase) async throws -> [StoredAccount] {
        try await db.raw("\(unsafeRaw: Self.accountSelect) WHERE a.client_id = \(bind: rowID) ORDER BY a.account_id").all()
            .map(Self.account(from:))
    }

    /// These accounts, in row id order.
    package func accounts(rowIDs: [Int64], on db: any SQLDatabase) async throws -> [StoredAccount] {
        var result: [StoredAccount] = []
        for chunk in rowIDs.sorted().chunked(into: 500) {
            result += try await db.raw("\(unsafeRaw: Self.accountSelect) WHERE a.id IN \(SQLBindList(chunk)) ORDER BY a.id").all()
                .map(Self.account(from:))
        }
        return result
    }

    /// Every account with its client, for billing, in client then Account ID order.
    package func allAccounts(on db: any SQLDatabase) async throws -> [StoredAccount] {
        try await db.raw("\(unsafeRaw: Self.accountSelect) ORDER BY a.client_id, a.account_id").all().map(Self.account(from:))
    }

    /// Row id of every account by MSISDN (E.164), for validating usage files.
    package func accountIDsByMSISDN(on db: any SQLDatabase) async throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for row in try await db.raw("SELECT id, msisdn FROM accounts").all() {
            result[try row.value("msisdn")] = try row.value("id")
        }
        return result
    }

    /// Creates an account.
    package func insert(_ account: BillingAccount, clientRowID: Int64, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO accounts (account_id, client_id, msisdn, plan_code, activated_on, created_at)
            VALUES (\(bind: account.id.rawValue), \(bind: clientRowID), \(bind: account.line.msisdn.e164),
                    \(bind: account.line.planCode), \(bind: account.line.activatedOn.description), \(bind: now.storedSeconds))
            """).run()
    }

    /// Changes an account's line details (number, plan, activation day).
    package func updateLine(of rowID: Int64, to line: Line, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE accounts SET msisdn = \(bind: line.msisdn.e164), plan_code = \(bind: line.planCode),
                activated_on = \(bind: line.activatedOn.description)
            WHERE id = \(bind: rowID)
            """).run()
    }

    static let accountSelect = """
        SELECT a.id, a.account_id, a.client_id, a.msisdn, a.plan_code, a.activated_on, c.client_ref
        FROM accounts a JOIN clients c ON c.id = a.client_id
        """

    static func account(from row: any SQLRow) throws -> StoredAccount {
        StoredAccount(
            id: try row.value("id"),
            clientRowID: try row.value("client_id"),
            account: BillingAccount(
                id: try AccountID(try row.value("account_id", as: String.self)),
                clientReference: try row.value("client_ref"),
                line: Line(
                    msisdn: try MSISDN(try row.value("msisdn", as: String.self)),
                    planCode: try row.value("plan_code"),
                    activatedOn: try CalendarDay(try row.value("activated_on", as: String.self)))))
    }

    static func client(from row: any SQLRow) throws -> StoredClient {
        StoredClient(
            id: try row.value("id"),
            client: Client(
                reference: try row.value("client_ref"),
                name: try row.value("name"),
                kind: ClientKind(rawValue: try row.value("kind")) ?? .individual,
                contactEmail: try row.optional("contact_email"),
                contactMSISDN: try row.optional("contact_msisdn", as: String.self).map { try MSISDN($0) }),
            hasClientID: try row.optional("client_id_digest", as: String.self) != nil)
    }

}
