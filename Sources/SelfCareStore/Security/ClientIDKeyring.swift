import Foundation
import SelfCareCore
import SQLKit

/// Finds the Client ID key of a database and makes what it stores agree with it: the configured key
/// (`SELFCARE_CLIENT_ID_KEY`), else one generated once and kept in the database (development). The first time, Client
/// ID digests kept as bare SHA-256 and Client IDs written in clear into flows, codes, throttles and the audit trail are
/// replaced by their keyed forms.
package struct ClientIDKeyring: Sendable {
    private let database: Database

    package init(database: Database) {
        self.database = database
    }

    /// The key to use with this database; fails when the database was keyed with another one.
    package func key(configured: String?, now: Date) async throws -> ClientIDKey {
        try await database.transaction { db in
            let secrets = AppSecretRepository()
            let secret: String = if let configured { configured } else {
                try await secrets.secret(named: "clientIDKey", now: now, generate: { Self.randomSecret() }, on: db)
            }
            let key = ClientIDKey(secret: secret)
            let recorded = try await secrets.secret(named: "clientIDKeyFingerprint", now: now, generate: { key.fingerprint }, on: db)
            guard recorded == key.fingerprint else { throw ClientIDKeyError.otherKey }
            if try await secrets.existing(named: "clientIDDigestScheme", on: db) == nil {
                try await Self.convertLegacyRows(key: key, on: db)
                _ = try await secrets.secret(named: "clientIDDigestScheme", now: now, generate: { "hmac-sha256" }, on: db)
            }
            return key
        }
    }

    /// Replaces bare SHA-256 digests and Client IDs in clear by their keyed forms.
    private static func convertLegacyRows(key: ClientIDKey, on db: any SQLDatabase) async throws {
        for row in try await db.raw("SELECT id, client_id_digest FROM clients WHERE client_id_digest IS NOT NULL").all() {
            let id: Int64 = try row.value("id")
            guard let keyed = key.digest(ofSHA256Hex: try row.value("client_id_digest")) else { continue }
            try await db.raw("UPDATE clients SET client_id_digest = \(bind: keyed) WHERE id = \(bind: id)").run()
        }
        let columns: [(table: String, column: String)] = [
            ("registrations", "identifier"), ("password_resets", "identifier"), ("one_time_codes", "subject"),
            ("login_throttles", "identifier"), ("audit_events", "identifier"),
        ]
        for (table, column) in columns {
            let values = try await db.raw("""
                SELECT DISTINCT \(unsafeRaw: column) AS value FROM \(unsafeRaw: table) WHERE LENGTH(\(unsafeRaw: column)) = 12
                """).all().compactMap { try? $0.value("value", as: String.self) }
            for value in values where value.contains(where: \.isLetter) {
                guard let clientID = try? ClientID(value) else { continue }
                if table == "login_throttles" {
                    try await db.raw("DELETE FROM login_throttles WHERE identifier = \(bind: key.subject(clientID))").run()
                }
                try await db.raw("""
                    UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(bind: key.subject(clientID)) WHERE \(unsafeRaw: column) = \(bind: value)
                    """).run()
            }
        }
    }

    private static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<48).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }.joined()
    }
}

/// The database's Client IDs were hashed with another key than the one given.
package enum ClientIDKeyError: Error, Sendable, CustomStringConvertible {
    case otherKey

    package var description: String {
        "the Client IDs of this database were stored with another key: start with the SELFCARE_CLIENT_ID_KEY they were issued "
            + "with (or re-issue every Client ID after changing it)"
    }
}
