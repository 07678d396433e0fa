import Foundation
import SelfCareCore

/// A client as stored, with its row id.
package struct StoredClient: Sendable, Hashable {
    package var id: Int64
    package var client: Client
    package var hasClientID: Bool
}

/// A billing account as stored, with its row ids.
package struct StoredAccount: Sendable, Hashable {
    package var id: Int64
    package var clientRowID: Int64
    package var account: BillingAccount
}
