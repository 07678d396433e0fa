import Foundation
import SelfCareCore
import SelfCareStore

/// The lines at or past their spend limit in a period without consent to go over, for the operator's provisioning
/// system, as CSV `account_id,msisdn,limit,charged,since`.
package struct OverLimitExport: Sendable {
    private let database: Database

    package init(database: Database) {
        self.database = database
    }

    package static let header = "account_id,msisdn,limit,charged,since"

    package func csv(period: BillingPeriod) async throws -> String {
        let lines = try await database.read { db in try await UsageAlertRepository().overLimit(period: period, on: db) }
        let formatter = ISO8601DateFormatter()
        return lines.reduce(Self.header + "\n") { out, line in
            out + "\(line.accountID),\(line.msisdn),\(line.limit.decimalString),\(line.charged.decimalString),\(formatter.string(from: line.since))\n"
        }
    }
}
