import SelfCareCore
import SelfCareStore
import SQLKit

/// Who an identifier belongs to and the mobile number on file for it (where its codes go).
struct Identity: Sendable {
    var scope: LoginScope
    var numberOnFile: MSISDN?
    var displayIdentifier: String
}

/// Resolves Account IDs and Client IDs to the account or client they open.
struct IdentityDirectory: Sendable {
    private let customers = CustomerRepository()

    func resolve(_ identifier: LoginIdentifier, on db: any SQLDatabase) async throws -> Identity? {
        switch identifier {
        case .account(let accountID):
            guard let account = try await customers.account(id: accountID, on: db) else { return nil }
            return Identity(scope: .account(rowID: account.id), numberOnFile: account.account.line.msisdn,
                            displayIdentifier: accountID.grouped)
        case .client(let clientID):
            guard let client = try await customers.client(clientID: clientID, on: db) else { return nil }
            return Identity(scope: .client(rowID: client.id), numberOnFile: client.client.contactMSISDN,
                            displayIdentifier: clientID.grouped)
        }
    }

    /// The number on file of a login's scope.
    func numberOnFile(_ scope: LoginScope, on db: any SQLDatabase) async throws -> MSISDN? {
        switch scope {
        case .account(let rowID): try await customers.account(rowID: rowID, on: db)?.account.line.msisdn
        case .client(let rowID): try await customers.client(rowID: rowID, on: db)?.client.contactMSISDN
        }
    }
}
