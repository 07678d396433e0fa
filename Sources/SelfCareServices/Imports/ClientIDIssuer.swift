import Foundation
import SelfCareCore
import SelfCareStore

/// Staff action: (re)issues a client's confidential Client ID; the previous one stops working.
package struct ClientIDIssuer: Sendable {
    private let database: Database
    private let key: ClientIDKey
    private let customers = CustomerRepository()
    private let newClientID: @Sendable () -> ClientID

    package init(database: Database, key: ClientIDKey, newClientID: @escaping @Sendable () -> ClientID) {
        self.database = database
        self.key = key
        self.newClientID = newClientID
    }

    /// Issues a new Client ID; the previous one, and every session, token and event subscription of the client's
    /// logins, stop working.
    package func issue(clientReference: String, now: Date) async throws -> ClientID {
        try await database.transaction { db in
            guard let client = try await customers.client(reference: clientReference, on: db) else {
                throw ClientIDIssuerError.unknownClient(clientReference)
            }
            var clientID = newClientID()
            while let holder = try await customers.client(clientIDDigest: key.digest(clientID), on: db), holder.id != client.id {
                clientID = newClientID()
            }
            try await customers.setClientID(digest: key.digest(clientID), forClient: client.id, now: now, on: db)
            try await HubRepository().end(clientRowID: client.id, reason: .clientIDReissued, now: now, on: db)
            try await AuditRepository().record(
                AuditEvent(action: .clientIDIssued, identifier: clientReference, occurredAt: now), on: db)
            return clientID
        }
    }
}

package enum ClientIDIssuerError: Error, Sendable, CustomStringConvertible {
    case unknownClient(String)

    package var description: String {
        switch self {
        case .unknownClient(let reference): "no client has the reference '\(reference)'"
        }
    }
}
