import Foundation
import SelfCareStore

/// A personal API token as its owner sees it: never the token, nor its digest.
package struct APITokenView: Sendable, Hashable {
    package var id: String
    package var name: String
    package var scopes: [String]
    package var createdAt: Date
    package var lastUsedAt: Date?
    package var revokedAt: Date?

    init(_ row: StoredAPIToken) {
        id = row.id
        name = row.name
        scopes = row.scopes
        createdAt = row.createdAt
        lastUsedAt = row.lastUsedAt
        revokedAt = row.revokedAt
    }
}
