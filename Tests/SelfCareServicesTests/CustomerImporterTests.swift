import Foundation
import SelfCareCore
import SelfCareStore
import SelfCareTestSupport
import SQLKit
import Testing
@testable import SelfCareServices

/// CONTRACT §2 and `import-customers`: good rows stored, bad rows reported by file line, re-runs change nothing.
@Suite("CustomerImporter")
struct CustomerImporterTests {
    static let explicitAccountID = AccountID(body: 100_000_002).rawValue

    /// Good rows on lines 2, 3, 4 and 8; a bad MSISDN on line 5, an unknown plan on line 6, and on line 7 a number
    /// that line 2 gave to another client.
    static let mixedRows: [[String]] = [
        StoreFixture.customer("C001", "+23057000001"),
        StoreFixture.customer("C002", "+23057000002", accountID: explicitAccountID, kind: "company", name: "Boulangerie Ltd"),
        StoreFixture.customer("C002", "+23057000003", kind: "company", name: "Boulangerie Ltd"),
        StoreFixture.customer("C003", "+23041234567"),
        StoreFixture.customer("C004", "+23057000005", plan: "NOPE99"),
        StoreFixture.customer("C005", "+23057000001"),
        StoreFixture.customer("C006", "+23057000006", plan: "POST499"),
    ]

    static let expectedAccounts: [AccountIdentifiers] = [
        .init(clientRef: "C001", accountId: AccountID(body: 500_000_000).rawValue, msisdn: "+23057000001"),
        .init(clientRef: "C002", accountId: explicitAccountID, msisdn: "+23057000002"),
        .init(clientRef: "C002", accountId: AccountID(body: 500_000_001).rawValue, msisdn: "+23057000003"),
        .init(clientRef: "C006", accountId: AccountID(body: 500_000_002).rawValue, msisdn: "+23057000006"),
    ]

    static let expectedRejections: [RejectedRow] = [
        .init(line: 5, reason: "msisdn: a Mauritian mobile number starts with 5"),
        .init(line: 6, reason: "plan_code 'NOPE99' is not a known tariff plan"),
        .init(line: 7, reason: "msisdn +23057000001 already belongs to another client"),
    ]

    @Test("good rows are stored; a bad number, an unknown plan and a number of another client are rejected by line",
          arguments: TestDatabase.engines)
    func mixedFile(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await test.importPlans()

            // when
            let report = try await test.importCustomers(Self.mixedRows)

            // then
            #expect(report.accounts == Self.expectedAccounts)
            #expect(report.rejected == Self.expectedRejections)
            #expect(try await test.count("clients") == 3)
            #expect(try await test.count("accounts") == 4)
            let account = try await test.database.read { db in
                try await CustomerRepository().account(msisdn: try MSISDN("+23057000003"), on: db)
            }
            let stored = try #require(account)
            #expect(stored.account.clientReference == "C002")
            #expect(stored.account.line.planCode == "TEST10")
            #expect(stored.account.line.activatedOn.description == "2026-01-15")
            let client = try await test.database.read { db in try await CustomerRepository().client(reference: "C002", on: db) }
            #expect(client?.client.kind == .company)
            #expect(client?.client.name == "Boulangerie Ltd")
        }
    }

    @Test("re-running the same file changes nothing and keeps the generated Account IDs", arguments: TestDatabase.engines)
    func rerunIsStable(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given the file imported once
            try await test.importPlans()
            let first = try await test.importCustomers(Self.mixedRows, firstGeneratedBody: 500_000_000)

            let updatedBefore = try await Self.clientsUpdatedAt(test)

            // when it is imported again, a day later, with a generator that would draw other identifiers
            let second = try await test.importCustomers(
                Self.mixedRows, firstGeneratedBody: 700_000_000, now: StoreFixture.importedAt.addingTimeInterval(86_400))

            // then
            #expect(second.accounts == first.accounts)
            #expect(second.accounts == Self.expectedAccounts)
            #expect(second.rejected == Self.expectedRejections)
            #expect(try await test.count("clients") == 3)
            #expect(try await test.count("accounts") == 4)
            #expect(try await Self.clientsUpdatedAt(test) == updatedBefore)
        }
    }

    /// Each client's `updated_at` by reference.
    static func clientsUpdatedAt(_ test: TestDatabase) async throws -> [String: Int64] {
        try await test.database.read { db in
            var result: [String: Int64] = [:]
            for row in try await db.raw("SELECT client_ref, updated_at FROM clients").all() {
                result[try row.decode(column: "client_ref", as: String.self)] = try row.decode(column: "updated_at", as: Int64.self)
            }
            return result
        }
    }

    @Test("a changed plan or activation date updates the existing account", arguments: TestDatabase.engines)
    func updatesLine(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await test.importPlans()
            let first = try await test.importCustomers([StoreFixture.customer("C001", "+23057000001")])

            // when
            let second = try await test.importCustomers(
                [StoreFixture.customer("C001", "+23057000001", plan: "POST499", activatedOn: "2026-02-01")], firstGeneratedBody: 700_000_000)

            // then
            #expect(second.accounts == first.accounts)
            let account = try await test.database.read { db in
                try await CustomerRepository().account(msisdn: try MSISDN("+23057000001"), on: db)
            }
            #expect(account?.account.line.planCode == "POST499")
            #expect(account?.account.line.activatedOn.description == "2026-02-01")
            #expect(try await test.count("accounts") == 1)
        }
    }

    @Test("a number stored for one client is refused for another in a later file", arguments: TestDatabase.engines)
    func numberOfAnotherClientInLaterFile(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            try await test.importPlans()
            try await test.importCustomers([StoreFixture.customer("C001", "+23057000001")])

            // when
            let report = try await test.importCustomers([
                StoreFixture.customer("C009", "+23057000009"),
                StoreFixture.customer("C010", "+23057000001"),
            ])

            // then
            #expect(report.accounts.map(\.clientRef) == ["C009"])
            #expect(report.rejected == [.init(line: 3, reason: "msisdn +23057000001 already belongs to another client")])
            let owner = try await test.database.read { db in
                try await CustomerRepository().account(msisdn: try MSISDN("+23057000001"), on: db)
            }
            #expect(owner?.account.clientReference == "C001")
        }
    }

    @Test("a file whose header is wrong is refused and nothing is stored", arguments: TestDatabase.engines)
    func wrongHeader(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a header with two columns swapped
            try await test.importPlans()
            var header = CustomerRow.header
            header.swapAt(6, 7)
            let path = try test.write("customers.csv", StoreFixture.csv(header, [StoreFixture.customer("C001", "+23057000001")]))

            // when
            let error = await #expect(throws: ImportError.self) {
                try await CustomerImporter(database: test.database, newAccountID: AccountIDSequence(firstBody: 500_000_000).next)
                    .importFile(at: path, now: StoreFixture.importedAt)
            }

            // then
            let message = String(describing: try #require(error))
            #expect(message.contains("line 1"))
            #expect(message.contains("client_ref,client_name"))
            #expect(try await test.count("clients") == 0)
            #expect(try await test.count("accounts") == 0)
        }
    }

    @Test("a storage failure mid-import rolls back every row of the file", arguments: TestDatabase.engines)
    func storageFailureRollsBack(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given a database that refuses, at SQL level, the account of the file's last good row
            try await test.importPlans()
            let refusal: SQLQueryString = switch engine {
            case .sqlite:
                """
                CREATE TRIGGER refuse_line BEFORE INSERT ON accounts WHEN NEW.msisdn = '+23057000006'
                BEGIN SELECT RAISE(ABORT, 'storage refused'); END
                """
            case .postgres:
                "ALTER TABLE accounts ADD CONSTRAINT refuse_line CHECK (msisdn <> '+23057000006')"
            }
            try await test.database.transaction { db in try await db.raw(refusal).run() }

            // when
            await #expect(throws: (any Error).self) {
                try await test.importCustomers(Self.mixedRows)
            }

            // then the rows stored before the failure are gone too
            #expect(try await test.count("clients") == 0)
            #expect(try await test.count("accounts") == 0)
        }
    }

    @Test("a transaction that throws leaves nothing behind", arguments: TestDatabase.engines)
    func transactionRollsBack(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { test in
            // given
            struct Refused: Error {}
            let customers = CustomerRepository()
            let client = Client(reference: "C001", name: "Client C001", kind: .individual, contactEmail: nil, contactMSISDN: nil)

            // when
            await #expect(throws: Refused.self) {
                try await test.database.transaction { db in
                    _ = try await customers.upsert(client, now: StoreFixture.importedAt, on: db)
                    throw Refused()
                }
            }

            // then
            #expect(try await test.count("clients") == 0)
            let stored = try await test.database.transaction { db in
                try await customers.upsert(client, now: StoreFixture.importedAt, on: db)
            }
            #expect(stored > 0)
            #expect(try await test.count("clients") == 1)
        }
    }
}
