import Foundation
import SelfCareCore
import SelfCareStore
import SQLKit

/// Loads the customers file: valid rows are created or updated in one transaction, bad rows are reported.
package struct CustomerImporter: Sendable {
    package struct Report: Sendable, Codable {
        package var accounts: [AccountIdentifiers]
        package var rejected: [RejectedRow]
    }

    private let database: Database
    private let customers = CustomerRepository()
    private let plans = PlanRepository()
    private let newAccountID: @Sendable () -> AccountID

    /// `newAccountID` draws identifiers for rows that leave `account_id` empty.
    package init(database: Database, newAccountID: @escaping @Sendable () -> AccountID) {
        self.database = database
        self.newAccountID = newAccountID
    }

    /// Imports the CSV file at `path`. Everything valid is stored together, or nothing if storing fails.
    package func importFile(at path: String, now: Date) async throws -> Report {
        var rows: [(line: Int, row: CustomerRow)] = []
        var rejected: [RejectedRow] = []
        var reader = try CSVFileReader(path: path, header: CustomerRow.header)
        defer { reader.close() }
        while let (line, record) = try reader.next() {
            do {
                rows.append((line, try CustomerRow.parse(record.get())))
            } catch let error as RowError {
                rejected.append(.init(line: line, reason: error.reason))
            } catch {
                rejected.append(.init(line: line, reason: "\(error)"))
            }
        }
        let parsed = rows
        let result = try await database.transaction { db in
            try await self.store(parsed, now: now, on: db)
        }
        return Report(accounts: result.accounts, rejected: (rejected + result.rejected).sorted { $0.line < $1.line })
    }

    private func store(_ rows: [(line: Int, row: CustomerRow)], now: Date, on db: any SQLDatabase) async throws -> Report {
        let knownPlans = try await plans.all(on: db)
        var report = Report(accounts: [], rejected: [])
        for (line, row) in rows {
            guard knownPlans[row.line.planCode] != nil else {
                report.rejected.append(.init(line: line, reason: "plan_code '\(row.line.planCode)' is not a known tariff plan"))
                continue
            }
            let byNumber = try await customers.account(msisdn: row.line.msisdn, on: db)
            if let byNumber, byNumber.account.clientReference != row.client.reference {
                report.rejected.append(.init(line: line, reason: "msisdn \(row.line.msisdn) already belongs to another client"))
                continue
            }
            var existing = byNumber
            if let requested = row.accountID {
                let byID = try await customers.account(id: requested, on: db)
                if let byID, byID.account.clientReference != row.client.reference {
                    report.rejected.append(.init(line: line, reason: "account_id \(requested) already belongs to another client"))
                    continue
                }
                if let byNumber, byNumber.account.id != requested {
                    report.rejected.append(.init(line: line, reason: "msisdn \(row.line.msisdn) already belongs to account \(byNumber.account.id)"))
                    continue
                }
                existing = byID
            }
            let clientRowID = try await customers.upsert(row.client, now: now, on: db)
            if let existing {
                if existing.account.line != row.line {
                    try await customers.updateLine(of: existing.id, to: row.line, on: db)
                }
                report.accounts.append(.init(clientRef: row.client.reference, accountId: existing.account.id.rawValue, msisdn: row.line.msisdn.e164))
            } else {
                let id = try await freshAccountID(requested: row.accountID, on: db)
                try await customers.insert(BillingAccount(id: id, clientReference: row.client.reference, line: row.line),
                                           clientRowID: clientRowID, now: now, on: db)
                report.accounts.append(.init(clientRef: row.client.reference, accountId: id.rawValue, msisdn: row.line.msisdn.e164))
            }
        }
        return report
    }

    private func freshAccountID(requested: AccountID?, on db: any SQLDatabase) async throws -> AccountID {
        if let requested { return requested }
        while true {
            let candidate = newAccountID()
            if try await customers.account(id: candidate, on: db) == nil { return candidate }
        }
    }
}
