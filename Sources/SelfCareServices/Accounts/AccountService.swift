import Foundation
import SelfCareCore
import SelfCareStore

/// The accounts a login may see, what it owes, its credit and the messages sent to it. Every lookup is scoped by the
/// login; what lies outside is "not found" and leaves an audit event.
package struct AccountService: Sendable {
    let database: Database
    let audit: AccessAudit

    init(database: Database, clock: any WallClock) {
        self.database = database
        audit = AccessAudit(database: database, clock: clock)
    }

    /// The account `text` names if the login may see it; otherwise nil, audited.
    package func account(_ text: String, for identity: AuthenticatedUser) async throws -> AccountView? {
        guard let accountID = try? AccountID(text) else {
            try await audit.denied(identity, "account \(text)")
            return nil
        }
        let scope = identity.user.scope
        let account = try await database.read { db in try await BillQueries().account(accountID, scope: scope, on: db) }
        if account == nil { try await audit.denied(identity, "account \(accountID)") }
        return account.map(AccountView.init)
    }

    /// The login's own account for an Account ID login; nil for a client login.
    package func ownAccount(_ identity: AuthenticatedUser) async throws -> AccountView? {
        guard case .account(let rowID) = identity.user.scope else { return nil }
        return try await database.read { db in try await CustomerRepository().account(rowID: rowID, on: db) }.map(AccountView.init)
    }

    /// One page of the login's accounts matching `search`, each with what it owes, and how many match in all.
    package func balances(_ identity: AuthenticatedUser, search: String, offset: Int, limit: Int) async throws -> (rows: [BalanceView], total: Int) {
        let scope = identity.user.scope
        let (rows, total) = try await database.read { db in
            try await BillQueries().balances(scope: scope, search: search, offset: offset, limit: limit, on: db)
        }
        return (rows.map(BalanceView.init), total)
    }

    /// The name the login's bills are addressed to: its client's for a company login, else the person's.
    package func customerName(_ identity: AuthenticatedUser) async throws -> String {
        guard case .client(let clientRowID) = identity.user.scope else { return identity.user.fullName }
        return try await database.read { db in try await CustomerRepository().client(rowID: clientRowID, on: db)?.client.name }
            ?? identity.user.fullName
    }

    /// What the login holds as credit from payments that found their bills already paid.
    package func credit(_ identity: AuthenticatedUser) async throws -> Money {
        try await database.read { db in try await PaymentRepository().totalCredit(userID: identity.user.id, on: db) }
    }

    /// The SMS and e-mails the operator sent the login, newest first (`limit` + 1 asked tells whether a page follows).
    package func notifications(_ identity: AuthenticatedUser, offset: Int, limit: Int) async throws -> [SentMessage] {
        try await database.read { db in
            let number = try await IdentityDirectory.numberOnFile(identity.user.scope, on: db)
            let (account, client): (Int64?, Int64?) = switch identity.user.scope {
            case .account(let rowID): (rowID, nil)
            case .client(let rowID): (nil, rowID)
            }
            return try await OutboxRepository().notifications(
                userID: identity.user.id, accountRowID: account, clientRowID: client, numberOnFile: number?.e164,
                limit: limit, offset: offset, on: db)
        }.map(SentMessage.init)
    }

    /// Leaves an `accessDenied` audit event for a refused request.
    package func recordDenied(_ identity: AuthenticatedUser, _ what: String) async throws {
        try await audit.denied(identity, what)
    }
}
