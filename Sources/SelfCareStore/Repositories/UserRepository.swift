import Foundation
import SelfCareCore
import SQLKit

/// What a portal login opens: one account, or every account of a client.
package enum LoginScope: Sendable, Hashable {
    case account(rowID: Int64)
    case client(rowID: Int64)
}

/// A portal login as stored.
package struct PortalUser: Sendable, Hashable {
    package var id: Int64
    package var scope: LoginScope
    package var fullName: String
    package var email: String
    package var language: Language
    package var passwordHash: String
}

/// Portal logins.
package struct UserRepository: Sendable {
    package init() {}

    package func user(id: Int64, on db: any SQLDatabase) async throws -> PortalUser? {
        try await db.raw("SELECT * FROM portal_users WHERE id = \(bind: id)").first().map(Self.user(from:))
    }

    package func user(scope: LoginScope, on db: any SQLDatabase) async throws -> PortalUser? {
        switch scope {
        case .account(let rowID):
            try await db.raw("SELECT * FROM portal_users WHERE account_id = \(bind: rowID)").first().map(Self.user(from:))
        case .client(let rowID):
            try await db.raw("SELECT * FROM portal_users WHERE client_id = \(bind: rowID)").first().map(Self.user(from:))
        }
    }

    /// Creates a login; fails on the unique constraint if the scope already has one.
    package func insert(
        scope: LoginScope, fullName: String, email: String, language: Language, passwordHash: String, now: Date, on db: any SQLDatabase
    ) async throws -> Int64 {
        let (kind, accountID, clientID): (String, Int64?, Int64?) = switch scope {
        case .account(let rowID): ("account", rowID, nil)
        case .client(let rowID): ("client", nil, rowID)
        }
        let row = try await db.raw("""
            INSERT INTO portal_users (login_kind, account_id, client_id, full_name, email, language, password_hash,
                password_changed_at, created_at)
            VALUES (\(bind: kind), \(bind: accountID), \(bind: clientID), \(bind: fullName), \(bind: email),
                \(bind: language.rawValue), \(bind: passwordHash), \(bind: now.storedSeconds), \(bind: now.storedSeconds))
            RETURNING id
            """).first()
        return try row!.value("id")
    }

    package func updatePassword(userID: Int64, passwordHash: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE portal_users SET password_hash = \(bind: passwordHash), password_changed_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: userID)
            """).run()
    }

    package func updateLanguage(userID: Int64, language: Language, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE portal_users SET language = \(bind: language.rawValue) WHERE id = \(bind: userID)").run()
    }

    static func user(from row: any SQLRow) throws -> PortalUser {
        let accountID: Int64? = try row.optional("account_id")
        let clientID: Int64? = try row.optional("client_id")
        return PortalUser(
            id: try row.value("id"),
            scope: accountID.map { .account(rowID: $0) } ?? .client(rowID: clientID ?? 0),
            fullName: try row.value("full_name"), email: try row.value("email"),
            language: Language(rawValue: try row.value("language")) ?? .default,
            passwordHash: try row.value("password_hash"))
    }

    /// The language of the logins of these accounts and of these clients, by row id.
    package func languages(accountRowIDs: [Int64], clientRowIDs: [Int64], on db: any SQLDatabase) async throws
        -> (byAccount: [Int64: Language], byClient: [Int64: Language]) {
        var byAccount: [Int64: Language] = [:]
        var byClient: [Int64: Language] = [:]
        for chunk in accountRowIDs.chunked(into: 500) {
            for row in try await db.raw("SELECT account_id, language FROM portal_users WHERE account_id IN \(SQLBindList(chunk))").all() {
                byAccount[try row.value("account_id")] = Language(rawValue: try row.value("language")) ?? .default
            }
        }
        for chunk in clientRowIDs.chunked(into: 500) {
            for row in try await db.raw("SELECT client_id, language FROM portal_users WHERE client_id IN \(SQLBindList(chunk))").all() {
                byClient[try row.value("client_id")] = Language(rawValue: try row.value("language")) ?? .default
            }
        }
        return (byAccount, byClient)
    }

    /// The language and e-mail address of the logins of these accounts and of these clients, by row id.
    package func contacts(accountRowIDs: [Int64], clientRowIDs: [Int64], on db: any SQLDatabase) async throws
        -> (byAccount: [Int64: LoginContact], byClient: [Int64: LoginContact]) {
        var byAccount: [Int64: LoginContact] = [:]
        var byClient: [Int64: LoginContact] = [:]
        for chunk in accountRowIDs.chunked(into: 500) {
            for row in try await db.raw("SELECT account_id, language, email FROM portal_users WHERE account_id IN \(SQLBindList(chunk))").all() {
                byAccount[try row.value("account_id")] = try LoginContact(row)
            }
        }
        for chunk in clientRowIDs.chunked(into: 500) {
            for row in try await db.raw("SELECT client_id, language, email FROM portal_users WHERE client_id IN \(SQLBindList(chunk))").all() {
                byClient[try row.value("client_id")] = try LoginContact(row)
            }
        }
        return (byAccount, byClient)
    }
}

extension UserRepository {
    /// The logins that see these accounts: each account's own login and its client's login, by account row id.
    package func loginIDs(accounts: [(accountRowID: Int64, clientRowID: Int64)], on db: any SQLDatabase) async throws -> [Int64: [Int64]] {
        var byAccount: [Int64: Int64] = [:]
        var byClient: [Int64: Int64] = [:]
        for chunk in accounts.map(\.accountRowID).chunked(into: 500) {
            for row in try await db.raw("SELECT id, account_id FROM portal_users WHERE account_id IN \(SQLBindList(Array(chunk)))").all() {
                byAccount[try row.value("account_id")] = try row.value("id")
            }
        }
        for chunk in Array(Set(accounts.map(\.clientRowID))).chunked(into: 500) {
            for row in try await db.raw("SELECT id, client_id FROM portal_users WHERE client_id IN \(SQLBindList(Array(chunk)))").all() {
                byClient[try row.value("client_id")] = try row.value("id")
            }
        }
        var result: [Int64: [Int64]] = [:]
        for account in accounts {
            result[account.accountRowID] = [byAccount[account.accountRowID], byClient[account.clientRowID]].compactMap { $0 }
        }
        return result
    }
}

/// How to reach a login: its language and e-mail address.
package struct LoginContact: Sendable, Hashable {
    package var language: Language
    package var email: String

    init(_ row: any SQLRow) throws {
        language = Language(rawValue: try row.value("language")) ?? .default
        email = try row.value("email")
    }
}
