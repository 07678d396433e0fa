import Foundation
import SelfCareCore
import NIOCore
import PostgresKit
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
        // SQLite: one direct connection, one transaction, one prepared statement stepped for every row.
        if let report = try await database.withBulkSQLite(write: true, { connection in
            try Self.importWithPreparedStatement(path: path, connection: connection, progress: progress)
        }) { return report }
        // PostgreSQL: the rows streamed with COPY into a scratch table, then inserted in one statement.
        if let report = try await database.withBulkPostgres({ connection in
            try await Self.importWithCopy(path: path, connection: connection, progress: progress)
        }) { return report }
        return try await importWithSQLKit(path: path, progress: progress)
    }

    /// What the parsing thread hands the writing one.
    private struct ParsedBatch: Sendable {
        var rows: [(accountRowID: Int64, period: String, record: UsageRecord)] = []
        var rejected: [RejectedRow] = []
        var fraction = 0.0
    }

    /// The SQLite path: the validator's data read and every row written on the same connection, in one transaction,
    /// while another thread parses and validates the file (the two cores each take one half of the work). Into an
    /// empty table the lookup index is built once at the end instead of row by row.
    private static func importWithPreparedStatement(
        path: String, connection: RawSQLiteConnection, progress: @Sendable (Double) -> Void
    ) throws -> Report {
        let validator = try RowValidator(reading: connection)
        var reader = try CSVFileReader(path: path, header: UsageRow.header)
        let empty = try connection.prepare("SELECT NOT EXISTS (SELECT 1 FROM usage_records)")
        let rebuildIndex = try empty.step() && empty.int64(0) == 1
        empty.reset()
        if rebuildIndex { try connection.execute("DROP INDEX usage_records_account_period") }
        let insert = try connection.prepare("""
            INSERT INTO usage_records (record_id, account_id, period, usage_type, started_at, duration_s, volume_bytes,
                destination, roaming_country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO NOTHING
            """)
        let pipe = BatchPipe<ParsedBatch>(capacity: 8)
        let parsing = Thread { [reader] in
            var reader = reader
            defer { reader.close() }
            do {
                var batch = ParsedBatch()
                while let (line, fields) = try reader.next() {
                    switch validator.validate(fields) {
                    case .success(let row): batch.rows.append(row)
                    case .failure(let error): batch.rejected.append(RejectedRow(line: line, reason: error.reason))
                    }
                    if batch.rows.count >= 2_000 {
                        batch.fraction = reader.fileSize > 0 ? Double(reader.bytesRead) / Double(reader.fileSize) : 0
                        guard pipe.send(batch) else { return }
                        batch = ParsedBatch()
                    }
                }
                pipe.send(batch)
                pipe.close()
            } catch {
                pipe.close(error)
            }
        }
        parsing.start()
        defer { pipe.close() }
        var rejected: [RejectedRow] = []
        var (submitted, inserted) = (0, 0)
        var lastReported = -1.0
        while let batch = try pipe.receive() {
            rejected += batch.rejected
            for (accountRowID, period, record) in batch.rows {
                insert.bind(1, record.recordID)
                insert.bind(2, accountRowID)
                insert.bind(3, period)
                insert.bind(4, record.type.rawValue)
                insert.bind(5, record.startedAt.storedSeconds)
                insert.bind(6, record.durationSeconds)
                insert.bind(7, record.volumeBytes)
                insert.bind(8, record.destination)
                insert.bind(9, record.roamingCountry)
                _ = try insert.step()
                inserted += connection.changes
                insert.reset()
            }
            submitted += batch.rows.count
            if batch.fraction - lastReported >= 0.01 {
                lastReported = batch.fraction
                progress(batch.fraction)
            }
        }
        if rebuildIndex {
            try connection.execute("CREATE INDEX usage_records_account_period ON usage_records (account_id, period, started_at, record_id)")
        }
        progress(1)
        rejected.sort { $0.line < $1.line }
        return Report(imported: inserted, duplicates: submitted - inserted, rejected: rejected)
    }

    /// The PostgreSQL path: validated rows streamed with `COPY … FROM STDIN` into a table that lives as long as the
    /// transaction, then moved into `usage_records` by one `INSERT … SELECT` that skips the record ids already there.
    /// Into an empty table the rows are copied straight in, and its foreign key and indexes set up once after the load
    /// (a record id given twice in the file is kept once, from its first line).
    private static func importWithCopy(
        path: String, connection: PostgresConnection, progress: @escaping @Sendable (Double) -> Void
    ) async throws -> Report {
        let db = connection.sql()
        let validator = try await RowValidator(on: db)
        let empty = try await db.raw("SELECT NOT EXISTS (SELECT 1 FROM usage_records) AS empty").first()?.decode(column: "empty", as: Bool.self) ?? false
        let columns = ["record_id", "account_id", "period", "usage_type", "started_at", "duration_s", "volume_bytes", "destination",
                       "roaming_country"]
        if empty {
            try await db.raw("ALTER TABLE usage_records DROP CONSTRAINT usage_records_account_id_fkey").run()
            try await db.raw("ALTER TABLE usage_records DROP CONSTRAINT usage_records_record_id_key").run()
            try await db.raw("DROP INDEX usage_records_account_period").run()
        } else {
            try await db.raw("""
                CREATE TEMPORARY TABLE usage_import (record_id TEXT, account_id BIGINT, period TEXT, usage_type TEXT, started_at BIGINT,
                    duration_s BIGINT, volume_bytes BIGINT, destination TEXT, roaming_country TEXT) ON COMMIT DROP
                """).run()
        }
        var reader = try CSVFileReader(path: path, header: UsageRow.header)
        defer { reader.close() }
        var rejected: [RejectedRow] = []
        var submitted = 0
        try await connection.copyFrom(table: empty ? "usage_records" : "usage_import", columns: columns, logger: connection.logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(1 << 20)
            var lastReported = -1.0
            while let (line, fields) = try reader.next() {
                switch validator.validate(fields) {
                case .failure(let error):
                    rejected.append(RejectedRow(line: line, reason: error.reason))
                case .success(let (accountRowID, period, record)):
                    CopyText.appendRow([record.recordID, String(accountRowID), period, record.type.rawValue,
                                        String(record.startedAt.storedSeconds), String(record.durationSeconds), String(record.volumeBytes),
                                        record.destination, record.roamingCountry], to: &buffer)
                    submitted += 1
                }
                if buffer.readableBytes >= 1 << 20 {
                    try await writer.write(buffer)
                    buffer.clear()
                    let fraction = reader.fileSize > 0 ? Double(reader.bytesRead) / Double(reader.fileSize) : 0
                    if fraction - lastReported >= 0.01 {
                        lastReported = fraction
                        progress(fraction)
                    }
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        let inserted: Int
        if empty {
            // Copied in file order: of a record id given twice, the row with the smallest id came first.
            try await db.raw("""
                DELETE FROM usage_records WHERE id IN (
                    SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY record_id ORDER BY id) AS copy FROM usage_records) AS numbered
                    WHERE copy > 1)
                """).run()
            try await db.raw("ALTER TABLE usage_records ADD CONSTRAINT usage_records_record_id_key UNIQUE (record_id)").run()
            try await db.raw("CREATE INDEX usage_records_account_period ON usage_records (account_id, period, started_at, record_id)").run()
            try await db.raw("""
                ALTER TABLE usage_records ADD CONSTRAINT usage_records_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id)
                """).run()
            inserted = Int(try await db.raw("SELECT COUNT(*) AS n FROM usage_records").first()?.decode(column: "n", as: Int64.self) ?? 0)
        } else {
            let joined = columns.joined(separator: ", ")
            inserted = Int(try await db.raw("""
                WITH inserted AS (
                    INSERT INTO usage_records (\(unsafeRaw: joined)) SELECT \(unsafeRaw: joined) FROM usage_import
                    ON CONFLICT (record_id) DO NOTHING RETURNING 1)
                SELECT COUNT(*) AS n FROM inserted
                """).first()?.decode(column: "n", as: Int64.self) ?? 0)
        }
        progress(1)
        return Report(imported: inserted, duplicates: submitted - inserted, rejected: rejected)
    }

    /// The path of other engines: batches of multi-row statements, one written while the next is parsed.
    private func importWithSQLKit(path: String, progress: @escaping @Sendable (Double) -> Void) async throws -> Report {
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
                    case .success(let row): batch.append((row.accountRowID, row.record))
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
        closed = try await BillingRepository().closingPeriods(on: db)
        billed = try await BillingRepository().billedAccountPeriods(on: db)
    }

    /// The same, read on a direct SQLite connection (inside its transaction).
    init(reading connection: RawSQLiteConnection) throws {
        var accounts: [String: Int64] = [:]
        let lines = try connection.prepare("SELECT id, msisdn FROM accounts")
        while try lines.step() { accounts[lines.text(1) ?? ""] = lines.int64(0) }
        var closed = Set<String>()
        let periods = try connection.prepare("SELECT period FROM period_closings")
        while try periods.step() { closed.insert(periods.text(0) ?? "") }
        var billed = Set<BilledKey>()
        let bills = try connection.prepare("SELECT account_id, period FROM bills")
        while try bills.step() { billed.insert(BilledKey(accountRowID: bills.int64(0), period: bills.text(1) ?? "")) }
        (self.accounts, self.closed, self.billed) = (accounts, closed, billed)
    }

    func validate(_ fields: Result<[String], CSVError>) -> Result<(accountRowID: Int64, period: String, record: UsageRecord), RowError> {
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
        return .success((accountRowID, period, record))
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

/// PostgreSQL's `COPY` text format: fields separated by tabs, `\\N` for NULL, backslash escapes for what would break a row.
enum CopyText {
    static func appendRow(_ fields: [String?], to buffer: inout ByteBuffer) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            guard let field else {
                buffer.writeStaticString("\\N")
                continue
            }
            for byte in field.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }
}
