import Foundation
import SelfCareCore
import SQLKit

/// Loads a usage file (CONTRACT §4): every row validated, valid rows stored in one transaction, records already
/// stored skipped by `record_id`. The file is streamed in batches, so memory stays flat.
package struct UsageImporter: Sendable {
    package struct Report: Sendable, Codable, Equatable {
        package var imported: Int
        package var duplicates: Int
        package var rejected: [RejectedRow]
    }

    private let database: Database
    private let batchSize: Int

    package init(database: Database, batchSize: Int = 500) {
        self.database = database
        self.batchSize = batchSize
    }

    /// Imports the file; `progress` receives the fraction of the file read.
    package func importFile(at path: String, progress: @escaping @Sendable (Double) -> Void = { _ in }) async throws -> Report {
        let batchSize = self.batchSize
        return try await database.transaction { db in
            let accounts = try await CustomerRepository().accountIDsByMSISDN(on: db)
            let closed = try await BillingRepository().closedPeriods(on: db)
            let billed = try await BillingRepository().billedAccountPeriods(on: db)
            let usage = UsageRepository()
            var reader = try CSVFileReader(path: path, header: UsageRow.header)
            defer { reader.close() }
            var report = Report(imported: 0, duplicates: 0, rejected: [])
            var batch: [(accountRowID: Int64, record: UsageRecord)] = []
            batch.reserveCapacity(batchSize)
            var lastReported = -1.0
            func flush() async throws {
                let inserted = try await usage.insert(batch, on: db)
                report.imported += inserted
                report.duplicates += batch.count - inserted
                batch.removeAll(keepingCapacity: true)
            }
            while let (line, fields) = try reader.next() {
                let record: UsageRecord
                do {
                    record = try UsageRow.parse(try fields.get())
                } catch let error as RowError {
                    report.rejected.append(.init(line: line, reason: error.reason))
                    continue
                } catch {
                    report.rejected.append(.init(line: line, reason: "\(error)"))
                    continue
                }
                guard let accountRowID = accounts[record.msisdn.e164] else {
                    report.rejected.append(.init(line: line, reason: "msisdn \(record.msisdn) is not a known line"))
                    continue
                }
                let period = record.period.description
                guard !closed.contains(period), !billed.contains(BilledKey(accountRowID: accountRowID, period: period)) else {
                    report.rejected.append(.init(line: line, reason: "period \(period) is already closed"))
                    continue
                }
                batch.append((accountRowID, record))
                if batch.count >= batchSize {
                    try await flush()
                    let fraction = reader.fileSize > 0 ? Double(reader.bytesRead) / Double(reader.fileSize) : 0
                    if fraction - lastReported >= 0.01 {
                        lastReported = fraction
                        progress(fraction)
                    }
                }
            }
            try await flush()
            progress(1)
            return report
        }
    }
}

/// An account and a period it has been billed for.
package struct BilledKey: Hashable, Sendable {
    package var accountRowID: Int64
    package var period: String
}
