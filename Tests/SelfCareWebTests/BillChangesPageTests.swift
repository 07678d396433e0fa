import Foundation
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Issue 16.4: each bill says what changed since the line's previous bill and why, from the bills as issued; a group
/// bill lists the lines that changed most first.
@Suite("What changed since the last bill, on the pages")
struct BillChangesPageTests {
    /// November billed on 2 December with the dearer plans in force from 1 November.
    static func billNovemberWithNewPrices(_ portal: PortalTest) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("changes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plans = folder.appendingPathComponent("plans.json")
        try Data(FrozenBillTests.dearerPlans.utf8).write(to: plans)
        _ = try await PlanImporter(database: portal.database).importFile(at: plans.path, now: portal.clock.now())
        portal.clock.advance(by: 12 * 86_400)
        try await Billing.runBills(portal, period: Billing.november)
    }

    @Test("a line's bill gives the difference with the month before, per charge class, and names the change of plan")
    func lineBill() async throws {
        try await Billing.withPortal { portal in
            // given
            try await Self.billNovemberWithNewPrices(portal)
            let october = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let november = try await portal.bill(of: Subscribers.aline, period: Billing.november)
            let browser = try await portal.signedInBrowser(Subscribers.aline.rawValue, acceptLanguage: "en")

            // when
            let page = try await browser.get("/bills/\(november.billNo)")
            let first = try await browser.get("/bills/\(october.billNo)")

            // then
            let difference = november.total - october.total
            let word = difference.cents >= 0 ? "more" : "less"
            #expect(page.text.contains("What changed since the last bill"))
            #expect(page.text.contains("\(Money(cents: abs(difference.cents)).formatted(.english)) \(word) than the bill of October 2026 (\(october.total.formatted(.english)))."))
            #expect(page.text.contains("The plan changed: Post Pay 499 (version 1) became Post Pay 499 (new prices) (version 2)."))
            #expect(first.text.contains("This is the line&#39;s first bill"))
        }
    }

    @Test("a group bill lists its lines largest change first, each with why, and finds a line by Account ID")
    func groupBill() async throws {
        try await Billing.withPortal { portal in
            // given
            try await Self.billNovemberWithNewPrices(portal)
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.grouped, acceptLanguage: "en")
            let identity = try #require(
                try await portal.services.authentication.authenticate(token: try await portal.token(Subscribers.companyClientID.grouped), kind: .api))
            let group = try #require(try await portal.services.services.bills.groupBills(identity, period: Billing.november.description).first)
            let someone = Subscribers.companyAccounts[1]

            // when
            let page = try await browser.get("/group-bills/\(group.groupBillNo)")
            let found = try await browser.get("/group-bills/\(group.groupBillNo)?q=\(someone.grouped.replacingOccurrences(of: " ", with: "+"))")

            // then
            let rows = Page.rows(page.text, after: "The lines&#39; bills")
            #expect(rows.count == Billing.companyAccountCount)
            let changes = rows.compactMap { row in try? Page.money(row[3]) }.map { abs($0.cents) }
            #expect(!changes.isEmpty && changes == changes.sorted(by: >))
            #expect(rows.filter { $0[3] != "—" }.allSatisfy { !$0[4].isEmpty })
            let match = Page.rows(found.text, after: "The lines&#39; bills")
            #expect(match.count == 1 && match.first?[0] == someone.grouped)
        }
    }
}
