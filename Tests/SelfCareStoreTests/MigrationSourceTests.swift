import Foundation
import Testing

/// A data migration applies the rule of the day it was written: it carries frozen SQL (or its own frozen copy of a
/// rule), never a call into live repositories or rating code, which later changes would silently alter for databases
/// upgraded later. Migration 25 landed calling them and stays as it landed.
@Suite("Migration sources")
struct MigrationSourceTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/SelfCareStore/Migrations")

    /// Names that reach live code of the store or the domain.
    static let liveCode = ["Repository(", "UsageRater", "BillAmounts", "PaymentAllocation", "Importer(", "Service("]

    static let landedCallingLiveCode = ["025_freezeBilledUsage.swift"]

    @Test("no migration but 025 calls live repositories or rating code")
    func frozen() throws {
        // given
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.first?.isNumber == true && $0.hasSuffix(".swift") }.sorted()

        // when
        var offenders: [String] = []
        for file in files where !Self.landedCallingLiveCode.contains(file) {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
            for name in Self.liveCode where text.contains(name) { offenders.append("\(file) uses \(name)") }
        }

        // then
        #expect(files.count >= 32)
        #expect(files.contains("025_freezeBilledUsage.swift"))
        #expect(offenders.isEmpty, "\(offenders)")
    }

    @Test("the check sees live code where there is some: 025 is caught by it")
    func checkBites() throws {
        // given
        let text = try String(contentsOf: Self.folder.appendingPathComponent("025_freezeBilledUsage.swift"), encoding: .utf8)

        // when
        let found = Self.liveCode.filter(text.contains)

        // then
        #expect(found.contains("Repository(") && found.contains("UsageRater"))
    }
}
