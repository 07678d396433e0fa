import Foundation
import SelfCareCore
import SelfCareStore

/// Loads a usage file (CONTRACT §4): every row validated, valid rows stored in one transaction, records already
/// stored skipped by `record_id`. The file is read in batches while the store writes the previous ones, so memory
/// stays flat and the two cores share the work.
package struct UsageImporter: Sendable {
    package struct Report: Sendable, Codable, Equatable {
        package var imported: Int
        package var duplicates: Int
        package var rejected: [RejectedRow]
        /// Usage alerts queued because the import took lines past a threshold or their spend limit.
        package var alerts: Int = 0
    }

    private let database: Database
    /// Rows handed to the store at a time.
    private let batchSize: Int
    private let alerts: UsageAlertEvaluator?
    private let clock: any WallClock

    /// `alerts`: checks the lines the file touched against their alert settings once it is stored.
    package init(database: Database, batchSize: Int = 2_000, alerts: UsageAlertEvaluator? = nil, clock: any WallClock = SystemWallClock()) {
        self.database = database
        self.batchSize = batchSize
        self.alerts = alerts
        self.clock = clock
    }

    /// Imports the file; `progress` receives the fraction of the file read.
    package func importFile(at path: String, progress: @escaping @Sendable (Double) -> Void = { _ in }) async throws -> Report {
        // The header is checked before anything is written.
        let file = try ReaderBox(CSVFileReader(path: path, header: UsageRow.header), batchSize: batchSize)
        let result = try await UsageLoader(database: database).load({ context in
            let validator = RowValidator(context)
            return { try file.nextBatch(validator) }
        }, progress: progress)
        var queued = 0
        if let alerts, result.inserted > 0 {
            queued = try await alerts.evaluate(file.touchedLines, now: clock.now())
        }
        progress(1)
        return Report(imported: result.inserted, duplicates: result.submitted - result.inserted,
                      rejected: result.rejected.sorted { $0.line < $1.line }, alerts: queued)
    }
}

/// The file being read, owned by the one thread that reads it.
private final class ReaderBox: @unchecked Sendable {
    private var reader: CSVFileReader
    private let batchSize: Int
    private var done = false
    /// The lines each period's accepted rows belong to.
    private var touched: [String: Set<Int64>] = [:]
    private let lock = NSLock()

    init(_ reader: CSVFileReader, batchSize: Int) {
        self.reader = reader
        self.batchSize = batchSize
    }

    deinit {
        reader.close()
    }

    /// The lines each period's accepted rows belong to, once the file is read.
    var touchedLines: [BillingPeriod: Set<Int64>] {
        lock.withLock {
            Dictionary(uniqueKeysWithValues: touched.compactMap { period, lines in (try? BillingPeriod(period)).map { ($0, lines) } })
        }
    }

    /// The next batch of checked rows, or nil at the end of the file.
    func nextBatch(_ validator: RowValidator) throws -> UsageBatch? {
        guard !done else { return nil }
        var batch = UsageBatch()
        var lastLine: (accountRowID: Int64, period: String) = (-1, "")
        while batch.rows.count < batchSize, let (line, fields) = try reader.next() {
            switch validator.validate(fields) {
            case .success(let row):
                batch.rows.append(row)
                if row.accountRowID != lastLine.accountRowID || row.period != lastLine.period {
                    lock.withLock { _ = touched[row.period, default: []].insert(row.accountRowID) }
                    lastLine = (row.accountRowID, row.period)
                }
            case .failure(let error): batch.rejected.append(RejectedRow(line: line, reason: error.reason))
            }
        }
        if batch.rows.count < batchSize { done = true }
        batch.fraction = reader.fileSize > 0 ? Double(reader.bytesRead) / Double(reader.fileSize) : 0
        return batch.rows.isEmpty && batch.rejected.isEmpty ? nil : batch
    }
}

/// Checks rows against the lines and the periods billed or being billed, as the store read them for this import.
struct RowValidator: Sendable {
    let context: UsageLoadContext

    init(_ context: UsageLoadContext) {
        self.context = context
    }

    func validate(_ fields: Result<[String], CSVError>) -> Result<(accountRowID: Int64, period: String, record: UsageRecord), RowError> {
        let record: UsageRecord
        switch fields {
        case .failure(let error): return .failure(RowError(error.description))
        case .success(let fields):
            do { record = try UsageRow.parse(fields) } catch { return .failure(error) }
        }
        guard let accountRowID = context.accounts[record.msisdn.e164] else {
            return .failure(RowError("msisdn \(record.msisdn) is not a known line"))
        }
        let period = record.period.description
        guard !context.closingPeriods.contains(period), !context.billed.contains(BilledKey(accountRowID: accountRowID, period: period)) else {
            return .failure(RowError("period \(period) is already closed"))
        }
        return .success((accountRowID, period, record))
    }
}
