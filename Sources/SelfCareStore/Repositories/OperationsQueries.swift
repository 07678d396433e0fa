import Foundation
import SelfCareCore
import SQLKit

/// What operators watch, read from the database so every instance reports the same: payments by status, the age of
/// the oldest message waiting, the last bill run.
package struct OperationsQueries: Sendable {
    package init() {}

    /// Payments by status.
    package func payments(on db: any SQLDatabase) async throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for row in try await db.raw("SELECT status, COUNT(*) AS n FROM payments GROUP BY status").all() {
            counts[try row.value("status")] = try row.value("n", as: Int64.self)
        }
        return counts
    }

    /// Seconds the oldest message still waiting to be sent has waited, 0 when none waits.
    package func oldestQueuedAge(now: Date, on db: any SQLDatabase) async throws -> Int64 {
        let oldest = try await db.raw("SELECT MIN(created_at) AS oldest FROM outbox_messages WHERE status IN ('queued', 'sending')").first()
        guard let created = try oldest?.optional("oldest", as: Int64.self) else { return 0 }
        return max(0, now.storedSeconds - created)
    }

    /// The latest closed period and how long its bill run took, in seconds (nil when not recorded).
    package func lastBillRun(on db: any SQLDatabase) async throws -> (period: String, seconds: Double?)? {
        guard let row = try await db.raw("""
            SELECT period, run_milliseconds FROM billing_periods ORDER BY period DESC LIMIT 1
            """).first() else { return nil }
        return (try row.value("period"), try row.optional("run_milliseconds", as: Int64.self).map { Double($0) / 1000 })
    }
}
