import Foundation
import SelfCareCore
import SelfCareServices
import SelfCareStore

/// October 2026 as the billing suites know it: plans, five lines of four clients and October's usage, loaded through the
/// importers, ready to bill.
package enum OctoberWorld {
    package static let october = try! BillingPeriod("2026-10")
    /// The morning after October, when the run happens.
    package static let runAt = Instant.mauritius(2026, 11, 2, 8)

    // One individual (A1, usage worked out by hand below), one company with two lines (A2, A3), a client whose only
    // line starts after October (A4), and an individual activated on October's last day (A5).
    package static let a1 = AccountID(body: 100_000_001)
    package static let a2 = AccountID(body: 100_000_002)
    package static let a3 = AccountID(body: 100_000_003)
    package static let a4 = AccountID(body: 100_000_004)
    package static let a5 = AccountID(body: 100_000_005)

    package static let customers: [[String]] = [
        StoreFixture.customer("IND1", "+23057000001", activatedOn: "2026-01-10", accountID: a1.rawValue),
        StoreFixture.customer("BIZ", "+23057000002", activatedOn: "2026-03-01", accountID: a2.rawValue, kind: "company"),
        StoreFixture.customer("BIZ", "+23057000003", activatedOn: "2026-03-01", accountID: a3.rawValue, kind: "company"),
        StoreFixture.customer("NEW", "+23057000004", activatedOn: "2026-11-05", accountID: a4.rawValue),
        StoreFixture.customer("IND2", "+23057000005", activatedOn: "2026-10-31", accountID: a5.rawValue),
    ]

    /// A1 on plan TEST10 (fee 100.00; 10 min, 2 SMS, 10 MB included):
    /// V1 10 min on-net, all included · V2 61 s → 2 min off-net, allowance gone: 2 × 2.00 = 4.00 ·
    /// V3 90 s → 2 min to +33: 2 × 8.00 = 16.00 · S1, S2 included · S3 national: 1.00 · S4 to +91: 4.00 ·
    /// D1 12 MB, 10 MB included, 2,000,000 B × 50 c/MB = 1.00 · D2 190,000 B → ⌈9.5⌉ c = 0.10 ·
    /// R1 30 s roaming → 1 min × 35.00 = 35.00 · usage 61.10; excl. 161.10; VAT 24.165 → 24.17; total 185.27.
    /// A2 and A3 stay inside their allowances; A1's November record is not October's.
    package static let usage: [[String]] = [
        StoreFixture.voice("V1", "+23057000001", at: "2026-10-02T09:00:00+04:00", seconds: 600, to: "+23057000002"),
        StoreFixture.voice("V2", "+23057000001", at: "2026-10-02T10:00:00+04:00", seconds: 61, to: "+2302086000"),
        StoreFixture.voice("V3", "+23057000001", at: "2026-10-03T10:00:00+04:00", seconds: 90, to: "+33142685300"),
        StoreFixture.sms("S1", "+23057000001", at: "2026-10-04T10:00:00+04:00", to: "+23057000002"),
        StoreFixture.sms("S2", "+23057000001", at: "2026-10-04T10:01:00+04:00", to: "+23057000003"),
        StoreFixture.sms("S3", "+23057000001", at: "2026-10-04T10:02:00+04:00", to: "+23057000005"),
        StoreFixture.sms("S4", "+23057000001", at: "2026-10-04T10:03:00+04:00", to: "+919820012345"),
        StoreFixture.data("D1", "+23057000001", at: "2026-10-05T10:00:00+04:00", bytes: 12_000_000),
        StoreFixture.data("D2", "+23057000001", at: "2026-10-06T10:00:00+04:00", bytes: 190_000),
        StoreFixture.voice("R1", "+23057000001", at: "2026-10-07T10:00:00+04:00", seconds: 30, to: "+23057000002", roaming: "FR"),
        StoreFixture.voice("N1", "+23057000001", at: "2026-11-01T00:30:00+04:00", seconds: 6000, to: "+2302086000"),
        StoreFixture.sms("B1", "+23057000002", at: "2026-10-10T10:00:00+04:00", to: "+23057000001"),
        StoreFixture.voice("B2", "+23057000003", at: "2026-10-11T10:00:00+04:00", seconds: 120, to: "+23057000002"),
    ]

    /// Plans, customers and October's usage loaded through the importers.
    package static func load(_ test: TestDatabase, usageImports: Int = 1) async throws {
        try await test.importPlans()
        let customers = try await test.importCustomers(Self.customers)
        try require(customers.rejected.isEmpty)
        for _ in 0..<usageImports {
            let report = try await test.importUsage(Self.usage)
            try require(report.rejected.isEmpty)
        }
    }

    package static func bill(_ test: TestDatabase, announces: Bool = true) async throws -> BillRunner.Outcome {
        try await BillRunner(database: test.database, announces: announces).run(period: october, now: runAt)
    }

    private static func require(_ condition: Bool) throws {
        guard condition else { throw TestDatabaseError("the October fixture was refused") }
    }
}
