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
            let validator = try await RowValidator(on: db)
            var reader = try CSVFileReader(path: path, header: UsageRow.header)
            defer { reader.close() }
            var writer = PipelinedInserter(db: db)
            var rejected: [RejectedRow] = []
            var batch: [(accountRowID: Int64, record: UsageRecord)] = []
            batch.reserveCapacity(batchSize)
            var lastReported = -1.0
            do {
                while let (line, fields) = try reader.next() {
                    switch validator.validate(fields) {
                    case .success(let row): batch.append(row)
                    case .failure(let error): rejected.append(RejectedRow(line: line, reason: error.reason))
                    }
                    guard batch.count >= batchSize else { continue }
                    try await writer.submit(batch)
                    batch.removeAll(keepingCapacity: true)
                    let fraction = reader.fileSize > 0 ? Double(reader.bytesRead) / Double(reader.fileSize) : 0
                    if fraction - lastReported >= 0.01 {
                        lastReported = fraction
                        progress(fraction)
                    }
                }
                try await writer.submit(batch)
                let (submitted, inserted) = try await writer.finish()
                progress(1)
                return Report(imported: inserted, duplicates: submitted - inserted, rejected: rejected)
            } catch {
                await writer.abandon()
                throw error
            }
        }
    }
}

/// Checks rows against the lines and the closed periods, loaded once per import.
private struct RowValidator {
    let accounts: [String: Int64]
    let closed: Set<String>
    let billed: Set<BilledKey>

    init(on db: any SQLDatabase) async throws {
        accounts = try await CustomerRepository().accountIDsByMSISDN(on: db)
        closed = try await BillingRepository().closedPeriods(on: db)
        billed = try await BillingRepository().billedAccountPeriods(on: db)
    }

    func validate(_ fields: Result<[String], CSVError>) -> Result<(accountRowID: Int64, record: UsageRecord), RowError> {
        let record: UsageRecord
        switch fields {
        case .failure(let error): return .failure(RowError(error.description))
        case .success(let fields):
            do { record = try UsageRow.parse(fields) } catch { return .failure(error) }
        }
        guard let accountRowID = accounts[record.msisdn.e164] else {
            return .failure(RowError("msisdn \(record.msisdn) is not a known line"))
        }
        let period = record.period.description
        guard !closed.contains(period), !billed.contains(BilledKey(accountRowID: accountRowID, period: period)) else {
            return .failure(RowError("period \(period) is already closed"))
        }
        return .success((accountRowID, record))
    }
}

/// Writes one batch while the caller parses the next (two stages on two cores); at most one write is in flight.
private struct PipelinedInserter {
    let db: any SQLDatabase
    private var writing: Task<Int, any Error>?
    private var submitted = 0
    private var inserted = 0

    init(db: any SQLDatabase) {
        self.db = db
    }

    mutating func submit(_ rows: [(accountRowID: Int64, record: UsageRecord)]) async throws {
        if let writing { inserted += try await writing.value }
        let db = self.db
        writing = Task { try await UsageRepository().insert(rows, on: db) }
        submitted += rows.count
    }

    /// Waits for the last write; returns how many rows were submitted and how many were new.
    mutating func finish() async throws -> (submitted: Int, inserted: Int) {
        if let writing { inserted += try await writing.value }
        writing = nil
        return (submitted, inserted)
    }

    /// Lets a write in flight end before the transaction rolls back.
    mutating func abandon() async {
        _ = try? await writing?.value
        writing = nil
    }
}

/// An account and a period it has been billed for.
package struct BilledKey: Hashable, Sendable {
    package var accountRowID: Int64
    package var period: String
}
