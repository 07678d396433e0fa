import Foundation
import SelfCareCore
import PostgresKit
import SQLKit

/// Usage records (CDRs) of the lines.
package struct UsageRepository: Sendable {
    package init() {}

    /// Inserts records, skipping those whose `record_id` is already stored; returns how many were new.
    package func insert(_ records: [(accountRowID: Int64, record: UsageRecord)], on db: any SQLDatabase) async throws -> Int {
        guard !records.isEmpty else { return 0 }
        var query = SQLQueryString("""
            INSERT INTO usage_records (record_id, account_id, period, usage_type, started_at, duration_s, volume_bytes,
                destination, roaming_country) VALUES
            """)
        for (index, item) in records.enumerated() {
            let record = item.record
            query.appendInterpolation(unsafeRaw: index == 0 ? " " : ", ")
            query.appendInterpolation(unsafeRaw: "(")
            query.appendInterpolation(bind: record.recordID)
            query.appendInterpolation(unsafeRaw: ", ")
            query.appendInterpolation(bind: item.accountRowID)
            query.appendInterpolation(unsafeRaw: ", ")
            query.appendInterpolation(bind: record.period.description)
            query.appendInterpolation(unsafeRaw: ", ")
            query.appendInterpolation(bind: record.type.rawValue)
            query.appendInterpolation(unsafeRaw: ", ")
            query.appendInterpolation(bind: record.startedAt.storedSeconds)
            query.appendInterpolation(unsafeRaw: ", ")
            query.appendInterpolation(bind: record.durationSeconds)
            query.appendInterpolation(unsafeRaw: ", ")
            query.appendInterpolation(bind: record.volumeBytes)
            query.appendInterpolation(unsafeRaw: ", ")
            query.appendInterpolation(bind: record.destination)
            query.appendInterpolation(unsafeRaw: ", ")
            query.appendInterpolation(bind: record.roamingCountry)
            query.appendInterpolation(unsafeRaw: ")")
        }
        query.appendInterpolation(unsafeRaw: " ON CONFLICT (record_id) DO NOTHING RETURNING id")
        return try await db.raw(query).all().count
    }

    /// A line's records of one period, in rating order.
    package func records(accountRowID: Int64, msisdn: MSISDN, period: BillingPeriod, on db: any SQLDatabase) async throws -> [UsageRecord] {
        try await db.raw("""
            SELECT record_id, usage_type, started_at, duration_s, volume_bytes, destination, roaming_country
            FROM usage_records WHERE account_id = \(bind: accountRowID) AND period = \(bind: period.description)
            ORDER BY started_at, record_id
            """).all().map { try Self.record(from: $0, msisdn: msisdn) }
    }

    /// One page of a line's records started in `[from, to)`, newest first (the reverse of rating order), read in SQL.
    package func page(
        accountRowID: Int64, msisdn: MSISDN, periods: [BillingPeriod], from: Date, to: Date, offset: Int, limit: Int, on db: any SQLDatabase
    ) async throws -> [UsageRecord] {
        try await db.raw("""
            SELECT record_id, usage_type, started_at, duration_s, volume_bytes, destination, roaming_country
            FROM usage_records
            WHERE account_id = \(bind: accountRowID) AND period IN \(SQLBindList(periods.map(\.description)))
              AND started_at >= \(bind: from.storedSeconds) AND started_at < \(bind: to.storedSeconds)
            ORDER BY started_at DESC, record_id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all().map { try Self.record(from: $0, msisdn: msisdn) }
    }

    /// How many records of a line started in `[from, to)`.
    package func count(accountRowID: Int64, periods: [BillingPeriod], from: Date, to: Date, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("""
            SELECT COUNT(*) AS n FROM usage_records
            WHERE account_id = \(bind: accountRowID) AND period IN \(SQLBindList(periods.map(\.description)))
              AND started_at >= \(bind: from.storedSeconds) AND started_at < \(bind: to.storedSeconds)
            """).first()
        return Int(try row?.value("n", as: Int64.self) ?? 0)
    }

    /// The records of the listed accounts for one period (of these clients), by account row id, in rating order.
    package func recordsByAccount(
        clientRowIDs: [Int64], period: BillingPeriod, msisdns: [Int64: MSISDN], on db: any SQLDatabase
    ) async throws -> [Int64: [UsageRecord]] {
        var result: [Int64: [UsageRecord]] = [:]
        var rows: [any SQLRow] = []
        for chunk in clientRowIDs.chunked(into: 500) {
            rows += try await db.raw("""
                SELECT u.account_id, u.record_id, u.usage_type, u.started_at, u.duration_s, u.volume_bytes, u.destination,
                    u.roaming_country
                FROM usage_records u JOIN accounts a ON a.id = u.account_id
                WHERE a.client_id IN \(SQLBindList(chunk)) AND u.period = \(bind: period.description)
                ORDER BY u.account_id, u.started_at, u.record_id
                """).all()
        }
        for row in rows {
            let accountRowID: Int64 = try row.value("account_id")
            guard let msisdn = msisdns[accountRowID] else { continue }
            result[accountRowID, default: []].append(try Self.record(from: row, msisdn: msisdn))
        }
        return result
    }

    /// The records of these accounts for one period, by account row id, read below SQLKit (a direct SQLite connection,
    /// or rows decoded by position on PostgreSQL), outside any transaction: for bulk readers such as the bill run.
    package static func recordsByAccount(period: BillingPeriod, msisdns: [Int64: MSISDN], in database: Database) async throws -> [Int64: [UsageRecord]] {
        if let records = try await database.withBulkSQLite(write: false, { connection in
            try recordsByAccount(period: period, msisdns: msisdns, connection: connection)
        }) { return records }
        if let records = try await database.withBulkPostgres(transaction: false, { connection in
            try await recordsByAccount(period: period, msisdns: msisdns, connection: connection)
        }) { return records }
        return [:]
    }

    /// The records of these accounts for one period, by account row id, read on a direct SQLite connection; in no
    /// particular order (rating puts them in order).
    static func recordsByAccount(
        period: BillingPeriod, msisdns: [Int64: MSISDN], connection: RawSQLiteConnection
    ) throws -> [Int64: [UsageRecord]] {
        var result: [Int64: [UsageRecord]] = [:]
        for chunk in Array(msisdns.keys).sorted().chunked(into: 500) {
            let select = try connection.prepare("""
                SELECT account_id, record_id, usage_type, started_at, duration_s, volume_bytes, destination, roaming_country
                FROM usage_records WHERE account_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", "))) AND period = ?
                """)
            for (index, id) in chunk.enumerated() { select.bind(Int32(index + 1), id) }
            select.bind(Int32(chunk.count + 1), period.description)
            while try select.step() {
                let accountRowID = select.int64(0)
                guard let msisdn = msisdns[accountRowID] else { continue }
                result[accountRowID, default: []].append(UsageRecord(
                    recordID: select.text(1) ?? "", msisdn: msisdn, type: UsageType(rawValue: select.text(2) ?? "") ?? .voice,
                    startedAt: Date(storedSeconds: select.int64(3)), durationSeconds: select.int64(4), volumeBytes: select.int64(5),
                    destination: select.text(6), roamingCountry: select.text(7)))
            }
        }
        return result
    }

    /// The same, read on a PostgreSQL connection, each cell read straight from its bytes by position (the driver's
    /// generic tuple decoding costs more than the query itself at a million rows).
    static func recordsByAccount(
        period: BillingPeriod, msisdns: [Int64: MSISDN], connection: PostgresConnection
    ) async throws -> [Int64: [UsageRecord]] {
        var result: [Int64: [UsageRecord]] = [:]
        let accounts = Array(msisdns.keys)
        let rows = try await connection.query("""
            SELECT account_id, record_id, usage_type, started_at, duration_s, volume_bytes, destination, roaming_country
            FROM usage_records WHERE account_id = ANY(\(accounts)) AND period = \(period.description)
            """, logger: connection.logger)
        for try await row in rows {
            var cells = CellReader(row)
            let accountRowID = try cells.int64()
            guard let msisdn = msisdns[accountRowID] else { continue }
            result[accountRowID, default: []].append(UsageRecord(
                recordID: try cells.text(), msisdn: msisdn, type: UsageType(rawValue: try cells.text()) ?? .voice,
                startedAt: Date(storedSeconds: try cells.int64()), durationSeconds: try cells.int64(), volumeBytes: try cells.int64(),
                destination: cells.optionalText(), roamingCountry: cells.optionalText()))
        }
        return result
    }

    static func record(from row: any SQLRow, msisdn: MSISDN) throws -> UsageRecord {
        UsageRecord(
            recordID: try row.value("record_id"), msisdn: msisdn,
            type: UsageType(rawValue: try row.value("usage_type")) ?? .voice,
            startedAt: Date(storedSeconds: try row.value("started_at")),
            durationSeconds: try row.value("duration_s"), volumeBytes: try row.value("volume_bytes"),
            destination: try row.optional("destination"), roamingCountry: try row.optional("roaming_country"))
    }
}
