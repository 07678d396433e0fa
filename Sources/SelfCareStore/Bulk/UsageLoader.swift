import Foundation
import NIOCore
import NIOPosix
import PostgresKit
import SelfCareCore
import SQLKit

/// What checking usage rows needs from the store, read inside the load's transaction.
package struct UsageLoadContext: Sendable {
    /// Account row id by MSISDN (E.164).
    package var accounts: [String: Int64]
    /// Periods billed or being billed.
    package var closingPeriods: Set<String>
    /// Accounts and periods that have a bill.
    package var billed: Set<BilledKey>
}

/// One batch of checked rows, with the rows refused on the way and how far into its source the batch ends.
package struct UsageBatch: Sendable {
    package var rows: [(accountRowID: Int64, period: String, record: UsageRecord)] = []
    package var rejected: [RejectedRow] = []
    package var fraction = 0.0

    package init() {}
}

/// A refused row of an import file: its line number in the file (the header is line 1) and why.
package struct RejectedRow: Sendable, Hashable, Codable {
    package var line: Int
    package var reason: String

    package init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// What a load did: rows offered, rows new, rows refused.
package struct UsageLoadResult: Sendable {
    package var submitted: Int
    package var inserted: Int
    package var rejected: [RejectedRow]
}

/// Writes usage records in bulk, in one transaction, skipping record ids already stored, the fastest way each engine
/// allows: on SQLite one prepared statement stepped for every row on a direct connection, while another thread
/// produces the rows; on PostgreSQL `COPY … FROM STDIN`. Into an empty table, indexes (and on PostgreSQL the foreign
/// key) are built once after the load instead of row by row.
package struct UsageLoader: Sendable {
    /// Makes the source of batches once the context is read; the source returns nil when it is done.
    package typealias Source = @Sendable (UsageLoadContext) throws -> @Sendable () throws -> UsageBatch?

    private let database: Database

    package init(database: Database) {
        self.database = database
    }

    package func load(_ makeSource: @escaping Source, progress: @escaping @Sendable (Double) -> Void) async throws -> UsageLoadResult {
        if let result = try await database.withBulkSQLite(write: true, { connection in
            try Self.loadSQLite(connection: connection, makeSource: makeSource, progress: progress)
        }) { return result }
        if let result = try await database.withBulkPostgres({ connection in
            try await Self.loadPostgres(connection: connection, makeSource: makeSource, progress: progress)
        }) { return result }
        throw UsageLoadError.unsupportedEngine
    }

    // MARK: - SQLite

    private static func loadSQLite(
        connection: RawSQLiteConnection, makeSource: Source, progress: @Sendable (Double) -> Void
    ) throws -> UsageLoadResult {
        let next = try makeSource(try context(reading: connection))
        let empty = try connection.prepare("SELECT NOT EXISTS (SELECT 1 FROM usage_records)")
        let rebuildIndex = try empty.step() && empty.int64(0) == 1
        empty.reset()
        if rebuildIndex { try connection.execute("DROP INDEX usage_records_account_period") }
        let insert = try connection.prepare("""
            INSERT INTO usage_records (record_id, account_id, period, usage_type, started_at, duration_s, volume_bytes,
                destination, roaming_country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO NOTHING
            """)
        let pipe = BatchPipe<UsageBatch>.fed(capacity: 8) { pipe in
            while let batch = try next() {
                guard pipe.send(batch) else { return }
            }
        }
        defer { pipe.close() }
        var result = UsageLoadResult(submitted: 0, inserted: 0, rejected: [])
        var lastReported = -1.0
        while let batch = try pipe.receive() {
            result.rejected += batch.rejected
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
                result.inserted += connection.changes
                insert.reset()
            }
            result.submitted += batch.rows.count
            if batch.fraction - lastReported >= 0.01 {
                lastReported = batch.fraction
                progress(batch.fraction)
            }
        }
        if rebuildIndex {
            try connection.execute("CREATE INDEX usage_records_account_period ON usage_records (account_id, period, started_at, record_id)")
        }
        return result
    }

    private static func context(reading connection: RawSQLiteConnection) throws -> UsageLoadContext {
        var accounts: [String: Int64] = [:]
        let lines = try connection.prepare("SELECT id, msisdn FROM accounts")
        while try lines.step() { accounts[lines.text(1) ?? ""] = lines.int64(0) }
        var closing = Set<String>()
        let periods = try connection.prepare("SELECT period FROM period_closings")
        while try periods.step() { closing.insert(periods.text(0) ?? "") }
        var billed = Set<BilledKey>()
        let bills = try connection.prepare("SELECT account_id, period FROM bills")
        while try bills.step() { billed.insert(BilledKey(accountRowID: bills.int64(0), period: bills.text(1) ?? "")) }
        return UsageLoadContext(accounts: accounts, closingPeriods: closing, billed: billed)
    }

    // MARK: - PostgreSQL

    private static func loadPostgres(
        connection: PostgresConnection, makeSource: Source, progress: @escaping @Sendable (Double) -> Void
    ) async throws -> UsageLoadResult {
        let db = connection.sql()
        let billing = BillingRepository()
        let context = UsageLoadContext(
            accounts: try await CustomerRepository().accountIDsByMSISDN(on: db), closingPeriods: try await billing.closingPeriods(on: db),
            billed: try await billing.billedAccountPeriods(on: db))
        let next = try makeSource(context)
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
        // The file is read, checked and put in COPY's text format on a thread of its own, a megabyte at a time, while
        // this task streams what is ready to the server.
        let pipe = BatchPipe<CopyChunk>.fed(capacity: 4) { pipe in
            var chunk = CopyChunk()
            while let batch = try next() {
                chunk.rejected += batch.rejected
                for (accountRowID, period, record) in batch.rows {
                    CopyText.appendRow([record.recordID, String(accountRowID), period, record.type.rawValue,
                                        String(record.startedAt.storedSeconds), String(record.durationSeconds),
                                        String(record.volumeBytes), record.destination, record.roamingCountry], to: &chunk.bytes)
                }
                chunk.submitted += batch.rows.count
                chunk.fraction = batch.fraction
                if chunk.bytes.readableBytes >= CopyChunk.size {
                    guard pipe.send(chunk) else { return }
                    chunk = CopyChunk()
                }
            }
            pipe.send(chunk)
        }
        defer { pipe.close() }
        var result = UsageLoadResult(submitted: 0, inserted: 0, rejected: [])
        try await connection.copyFrom(table: empty ? "usage_records" : "usage_import", columns: columns, logger: connection.logger) { writer in
            var lastReported = -1.0
            while let chunk = try await NIOThreadPool.singleton.runIfActive({ try pipe.receive() }) {
                result.rejected += chunk.rejected
                result.submitted += chunk.submitted
                if chunk.bytes.readableBytes > 0 { try await writer.write(chunk.bytes) }
                if chunk.fraction - lastReported >= 0.01 {
                    lastReported = chunk.fraction
                    progress(chunk.fraction)
                }
            }
        }
        if empty {
            // The unique key is built straight away; only when the file gave a record id twice does that fail, and then
            // the later copies go (copied in file order: the first has the smallest id) before it is built again.
            let addKey: SQLQueryString = "ALTER TABLE usage_records ADD CONSTRAINT usage_records_record_id_key UNIQUE (record_id)"
            try await db.raw("SAVEPOINT unique_record_ids").run()
            do {
                try await db.raw(addKey).run()
                try await db.raw("RELEASE SAVEPOINT unique_record_ids").run()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                try await db.raw("ROLLBACK TO SAVEPOINT unique_record_ids").run()
                try await db.raw("""
                    DELETE FROM usage_records WHERE id IN (
                        SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY record_id ORDER BY id) AS copy FROM usage_records) AS numbered
                        WHERE copy > 1)
                    """).run()
                try await db.raw(addKey).run()
            }
            try await db.raw("CREATE INDEX usage_records_account_period ON usage_records (account_id, period, started_at, record_id)").run()
            try await db.raw("""
                ALTER TABLE usage_records ADD CONSTRAINT usage_records_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id)
                """).run()
            result.inserted = Int(try await db.raw("SELECT COUNT(*) AS n FROM usage_records").first()?.decode(column: "n", as: Int64.self) ?? 0)
        } else {
            let joined = columns.joined(separator: ", ")
            result.inserted = Int(try await db.raw("""
                WITH inserted AS (
                    INSERT INTO usage_records (\(unsafeRaw: joined)) SELECT \(unsafeRaw: joined) FROM usage_import
                    ON CONFLICT (record_id) DO NOTHING RETURNING 1)
                SELECT COUNT(*) AS n FROM inserted
                """).first()?.decode(column: "n", as: Int64.self) ?? 0)
        }
        return result
    }
}

package enum UsageLoadError: Error, CustomStringConvertible {
    case unsupportedEngine

    package var description: String { "this database engine has no bulk load" }
}

/// About a megabyte of rows in COPY's text format, with what was refused and read on the way.
private struct CopyChunk: Sendable {
    static let size = 1 << 20

    var bytes: ByteBuffer
    var rejected: [RejectedRow] = []
    var submitted = 0
    var fraction = 0.0

    init() {
        bytes = ByteBuffer()
        bytes.reserveCapacity(Self.size + (Self.size >> 3))
    }
}

/// PostgreSQL's `COPY` text format: fields separated by tabs, `\N` for NULL, backslash escapes for what would break a row.
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

/// An account and a period it has been billed for.
package struct BilledKey: Hashable, Sendable {
    package var accountRowID: Int64
    package var period: String

    package init(accountRowID: Int64, period: String) {
        self.accountRowID = accountRowID
        self.period = period
    }
}
