import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices

/// CONTRACT §4 and `import-usage`: validated rows, idempotent on `record_id`, bad rows reported by line.
@Suite("UsageImporter")
struct UsageImporterTests {
    static let line1 = "+23057000001"
    static let line2 = "+23057000002"

    /// Two clients with one line each.
    static func givenCustomers(_ test: TestDatabase) async throws {
        try await test.importPlans()
        try await test.importCustomers([StoreFixture.customer("C001", line1), StoreFixture.customer("C002", line2)])
    }

    static let validRows: [[String]] = [
        StoreFixture.voice("V1", line1, at: "2026-10-03T10:00:00+04:00", seconds: 125, to: line2),
        StoreFixture.sms("S1", line1, at: "2026-10-03T11:00:00+04:00", to: "+33142685300"),
        StoreFixture.data("D1", line2, at: "2026-10-04T06:00:00Z", bytes: 2_500_000),
        StoreFixture.voice("V2", line2, at: "2026-10-05T10:00:00+04:00", seconds: 30, to: line1, roaming: "FR"),
    ]

    @Test("imports voice, sms and data records", arguments: TestDatabase.engines)
    func importsValidRecords(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenCustomers(test)

            // when
            let report = try await test.importUsage(Self.validRows)

            // then
            #expect(report == UsageImporter.Report(imported: 4, duplicates: 0, rejected: []))
            #expect(try await test.count("usage_records") == 4)
            #expect(try await test.count("usage_records", where: "usage_type = 'voice'") == 2)
            #expect(try await test.count("usage_records", where: "usage_type = 'sms'") == 1)
            #expect(try await test.count("usage_records", where: "usage_type = 'data' AND volume_bytes = 2500000") == 1)
            let records = try await test.database.read { db in
                let account = try await CustomerRepository().account(msisdn: try MSISDN(Self.line1), on: db)!
                return try await UsageRepository().records(
                    accountRowID: account.id, msisdn: account.account.line.msisdn, period: try BillingPeriod("2026-10"), on: db)
            }
            #expect(records.map(\.recordID) == ["V1", "S1"])
            #expect(records.first?.durationSeconds == 125)
            #expect(records.first?.destination == Self.line2)
            #expect(records.first?.startedAt == Instant.mauritius(2026, 10, 3, 10))
            #expect(records.last?.destination == "+33142685300")
        }
    }

    @Test("record ids with backslashes, tabs and quotes are stored as written", arguments: TestDatabase.engines)
    func awkwardRecordIDs(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given ids a bulk path could misread (a CSV field may hold a tab or a quote when quoted)
            try await Self.givenCustomers(test)
            let ids = [#"A\B"#, "\"tab\there\"", #"\N"#, "ÉTÉ-1"]
            let path = try test.write("awkward.csv", UsageRow.header.joined(separator: ",") + "\n" + ids.enumerated().map { index, id in
                let quoted = "\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                return "\(quoted),\(Self.line1),sms,2026-10-03T1\(index):00:00+04:00,,,\(Self.line2),"
            }.joined(separator: "\n") + "\n")

            // when
            let report = try await UsageImporter(database: test.database).importFile(at: path)

            // then
            #expect(report == UsageImporter.Report(imported: 4, duplicates: 0, rejected: []))
            let stored = try await test.database.read { db in
                try await db.raw("SELECT record_id FROM usage_records ORDER BY started_at").all().map { try $0.decode(column: "record_id", as: String.self) }
            }
            #expect(stored == ids)
        }
    }

    @Test("a record id given twice in one file is stored once, from its first line, into an empty table or not", arguments: TestDatabase.engines)
    func duplicateInOneFile(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenCustomers(test)
            let twice = [
                StoreFixture.voice("V1", Self.line1, at: "2026-10-03T10:00:00+04:00", seconds: 125, to: Self.line2),
                StoreFixture.voice("V1", Self.line1, at: "2026-10-03T10:00:00+04:00", seconds: 999, to: Self.line2),
            ]

            // when into an empty table, then into one that has records
            let first = try await test.importUsage(twice)
            let second = try await test.importUsage(twice.map { row in [row[0] == "V1" ? "V2" : row[0]] + row.dropFirst() })

            // then
            #expect(first == UsageImporter.Report(imported: 1, duplicates: 1, rejected: []))
            #expect(second == UsageImporter.Report(imported: 1, duplicates: 1, rejected: []))
            #expect(try await test.count("usage_records", where: "duration_s = 125") == 2)
        }
    }

    @Test("importing the same file twice stores each record once", arguments: TestDatabase.engines)
    func secondImportFindsDuplicates(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given the file imported once
            try await Self.givenCustomers(test)
            _ = try await test.importUsage(Self.validRows)

            // when
            let report = try await test.importUsage(Self.validRows)

            // then
            #expect(report == UsageImporter.Report(imported: 0, duplicates: 4, rejected: []))
            #expect(try await test.count("usage_records") == 4)
        }
    }

    @Test("bad rows are rejected with their line number and reason; the valid rows are kept", arguments: TestDatabase.engines)
    func badRowsRejected(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a file with an unknown number on line 3 and a timestamp without offset on line 5
            try await Self.givenCustomers(test)
            let rows = [
                Self.validRows[0],
                StoreFixture.sms("X1", "+23059999999", at: "2026-10-03T11:00:00+04:00", to: Self.line1),
                Self.validRows[1],
                StoreFixture.sms("X2", Self.line1, at: "2026-10-03 11:00:00", to: Self.line2),
                Self.validRows[2],
            ]

            // when
            let report = try await test.importUsage(rows)

            // then
            #expect(report.imported == 3)
            #expect(report.duplicates == 0)
            #expect(report.rejected.map(\.line) == [3, 5])
            #expect(report.rejected.first?.reason == "msisdn +23059999999 is not a known line")
            #expect(report.rejected.last?.reason.hasPrefix("started_at '2026-10-03 11:00:00'") == true)
            #expect(try await test.count("usage_records") == 3)
            #expect(try await test.count("usage_records", where: "record_id IN ('X1', 'X2')") == 0)
        }
    }

    @Test("usage of a period already billed is rejected as already closed", arguments: TestDatabase.engines)
    func closedPeriodRejected(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given October billed
            try await Self.givenCustomers(test)
            _ = try await test.importUsage(Self.validRows)
            _ = try await BillRunner(database: test.database)
                .run(period: try BillingPeriod("2026-10"), now: Instant.mauritius(2026, 11, 2, 8))

            // when a late October record and a November record arrive
            let report = try await test.importUsage([
                StoreFixture.sms("LATE", Self.line1, at: "2026-10-31T23:59:59+04:00", to: Self.line2),
                StoreFixture.sms("NOV", Self.line1, at: "2026-10-31T20:00:00Z", to: Self.line2),
            ])

            // then the first is refused, the second (1 November in Mauritius) kept
            #expect(report.imported == 1)
            #expect(report.rejected == [RejectedRow(line: 2, reason: "period 2026-10 is already closed")])
            #expect(try await test.count("usage_records", where: "record_id = 'NOV' AND period = '2026-11'") == 1)
            #expect(try await test.count("usage_records", where: "record_id = 'LATE'") == 0)
        }
    }

    @Test("a file whose header is wrong is refused", arguments: TestDatabase.engines)
    func wrongHeader(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await Self.givenCustomers(test)
            let path = try test.write("usage.csv", StoreFixture.csv(["id", "msisdn"], [["V1", Self.line1]]))

            // when
            let error = await #expect(throws: ImportError.self) {
                try await UsageImporter(database: test.database).importFile(at: path)
            }

            // then
            #expect(String(describing: try #require(error)).contains("record_id,msisdn,usage_type"))
            #expect(try await test.count("usage_records") == 0)
        }
    }

    @Test("records are stored in batches without losing any", arguments: TestDatabase.engines)
    func batches(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given 25 records, a batch size of 10 and one duplicate already stored
            try await Self.givenCustomers(test)
            _ = try await test.importUsage([StoreFixture.sms("B7", Self.line1, at: "2026-10-03T09:00:00+04:00", to: Self.line2)])
            let rows = (0..<25).map { StoreFixture.sms("B\($0)", Self.line1, at: "2026-10-03T10:00:00+04:00", to: Self.line2) }
            let path = try test.write("usage.csv", StoreFixture.csv(UsageRow.header, rows))

            // when
            let report = try await UsageImporter(database: test.database, batchSize: 10).importFile(at: path)

            // then
            #expect(report == UsageImporter.Report(imported: 24, duplicates: 1, rejected: []))
            #expect(try await test.count("usage_records") == 25)
        }
    }
}
