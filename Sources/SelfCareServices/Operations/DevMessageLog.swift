import SelfCareMessaging
import SelfCareStore

/// Development only: the SMS and e-mails the dev sink itself delivered (never what went through a real SMSC or relay).
package struct DevMessageLog: Sendable {
    let database: Database

    /// The newest `limit` messages, newest first.
    package func messages(limit: Int) async throws -> [SentMessage] {
        try await database.read { db in
            try await OutboxRepository().delivered(providerPrefix: DevMessageSink.providerPrefix, limit: limit, on: db)
        }.map(SentMessage.init)
    }
}
