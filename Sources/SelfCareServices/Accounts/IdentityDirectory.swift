import SelfCareCore
import SelfCareStore
import SQLKit

/// Who an identifier belongs to and the mobile number on file for it (where its codes go).
struct Identity: Sendable {
    var scope: LoginScope
    var numberOnFile: MSISDN?
}

/// Resolves Account IDs and Client IDs to the account or client they open, and says how flows, codes, throttles and
/// the audit trail refer to an identifier without keeping a Client ID.
struct IdentityDirectory: Sendable {
    let clientIDKey: ClientIDKey
    private let customers = CustomerRepository()

    init(clientIDKey: ClientIDKey) {
        self.clientIDKey = clientIDKey
    }

    func resolve(_ identifier: LoginIdentifier, on db: any SQLDatabase) async throws -> Identity? {
        switch identifier {
        case .account(let accountID):
            guard let account = try await customers.account(id: accountID, on: db) else { return nil }
            return Identity(scope: .account(rowID: account.id), numberOnFile: account.account.line.msisdn)
        case .client(let clientID):
            guard let client = try await customers.client(clientIDDigest: clientIDKey.digest(clientID), on: db) else { return nil }
            return Identity(scope: .client(rowID: client.id), numberOnFile: client.client.contactMSISDN)
        }
    }

    /// What is stored for an identifier: the Account ID itself, or a keyed digest of a Client ID.
    func subject(_ identifier: LoginIdentifier) -> String {
        switch identifier {
        case .account(let accountID): accountID.rawValue
        case .client(let clientID): clientIDKey.subject(clientID)
        }
    }

    /// The identifier as a message may show it: an Account ID grouped; nil for a Client ID, which no message carries.
    func shownInMessages(subject: String) -> String? {
        guard let identifier = try? LoginIdentifier(subject), case .account(let accountID) = identifier else { return nil }
        return accountID.grouped
    }

    /// True when `password` is the identifier whose subject is `subject` (typed with or without dashes and spaces).
    func isIdentifier(_ password: String, subject: String) -> Bool {
        guard let typed = try? LoginIdentifier(password) else { return false }
        return self.subject(typed) == subject
    }

    /// The number on file of a login's scope.
    static func numberOnFile(_ scope: LoginScope, on db: any SQLDatabase) async throws -> MSISDN? {
        switch scope {
        case .account(let rowID): try await CustomerRepository().account(rowID: rowID, on: db)?.account.line.msisdn
        case .client(let rowID): try await CustomerRepository().client(rowID: rowID, on: db)?.client.contactMSISDN
        }
    }
}
