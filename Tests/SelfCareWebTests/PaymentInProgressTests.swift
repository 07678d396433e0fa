import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCarePayments
import SelfCareStore
import SelfCareTestSupport
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// One payment of a bill at a time: two card pages open for one bill could both take the money, so a payment of a
/// bill (or of its group bill) cannot start while another is under way, until that one ends or its card page expires.
@Suite("One payment of a bill at a time")
struct PaymentInProgressTests {
    static let aline = Subscribers.aline.rawValue
    static var company: String { Subscribers.companyClientID.rawValue }

    @Test("a second payment of a bill with another key is refused with 409 while the first is under way", arguments: TestDatabase.engines)
    func secondRefused(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given a payment of Aline's October bill under way
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let first = try await portal.startPayment([["id": bill.billNo]], key: "first-tab", token: token)

            // when another tab starts one
            let second = try await portal.startPayment([["id": bill.billNo, "amount": "10.00"]], key: "second-tab", token: token)

            // then
            #expect(first.status == .created)
            #expect(second.status == .conflict)
            #expect(second.errorCode == "payment_in_progress")
            #expect(try await portal.payments().count == 1)
            #expect(gateway.checkouts.count == 1)
        }
    }

    @Test("once the first payment failed, or its card page expired (an hour after it could last be opened), the bill can be paid again", arguments: TestDatabase.engines)
    func afterTheFirstEnds(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given a declined payment and, later, an abandoned one
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)
            let declined = try await portal.startPayment([["id": bill.billNo]], key: "declined", token: token)
            let checkout = try gateway.checkout(forPayment: try #require(declined.json["id"] as? String))
            gateway.complete(checkout.id, .failed("card_declined"))
            _ = try await portal.services.payments.confirm(checkout.reference)

            // when
            let afterDecline = try await portal.startPayment([["id": bill.billNo]], key: "after-decline", token: token)
            let whileOpen = try await portal.startPayment([["id": bill.billNo]], key: "while-open", token: token)
            portal.clock.advance(by: 3721)
            let afterExpiry = try await portal.startPayment([["id": bill.billNo]], key: "after-expiry", token: try await portal.token(Self.aline))

            // then
            #expect(afterDecline.status == .created)
            #expect(whileOpen.status == .conflict)
            #expect(afterExpiry.status == .created)
            #expect(try await portal.payments().count == 3)
        }
    }

    @Test("a group bill under way holds its member bills, and a member bill under way holds its group bill", arguments: TestDatabase.engines)
    func groupAndMembers(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, _ in
            // given
            let group = try await portal.companyGroupBill()
            let member = try #require(try await portal.members(of: group).first)
            let token = try await portal.token(Self.company)

            // when
            let groupFirst = try await portal.startPayment([["id": group.groupBillNo, "amount": "1.00"]], key: "group", token: token)
            let memberThen = try await portal.startPayment([["id": member.billNo, "amount": "1.00"]], key: "member", token: token)

            // then
            #expect(groupFirst.status == .created)
            #expect(memberThen.status == .conflict)
        }
        try await Payments.withPortal(engine: engine) { portal, _ in
            // given
            let group = try await portal.companyGroupBill()
            let member = try #require(try await portal.members(of: group).first)
            let token = try await portal.token(Self.company)

            // when
            let memberFirst = try await portal.startPayment([["id": member.billNo, "amount": "1.00"]], key: "member", token: token)
            let groupThen = try await portal.startPayment([["id": group.groupBillNo, "amount": "1.00"]], key: "group", token: token)

            // then
            #expect(memberFirst.status == .created)
            #expect(groupThen.status == .conflict)
        }
    }

    @Test("20 concurrent payments of one bill with different keys start exactly one", arguments: TestDatabase.engines)
    func concurrentKeys(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let token = try await portal.token(Self.aline)

            // when
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<20 {
                    group.addTask { try await portal.startPayment([["id": bill.billNo]], key: "tab-\(index)", token: token).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }

            // then
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 19)
            #expect(try await portal.payments().count == 1)
            #expect(gateway.checkouts.count == 1)
        }
    }

    @Test("the pay form says a payment is under way and links to it, whose page leads back to the card page", arguments: TestDatabase.engines)
    func pages(engine: DatabaseEngine) async throws {
        try await Payments.withPortal(engine: engine) { portal, gateway in
            // given a payment started from the bill page
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let (first, _) = try await browser.pay(page: "/bills/\(bill.billNo)", number: bill.billNo)
            let checkout = try gateway.checkout(atURL: first.headers[.location] ?? "")

            // when the bill page's form is posted again, from a fresh page
            let (second, _) = try await browser.pay(page: "/bills/\(bill.billNo)", number: bill.billNo)
            let underWay = try await browser.get("/payments/\(checkout.reference)")

            // then
            #expect(second.status == .conflict)
            #expect(second.text.contains("A payment of this bill is already under way"))
            #expect(second.text.contains("href=\"/payments/\(checkout.reference)\""))
            #expect(underWay.text.contains("href=\"\(FakeCardGateway.pageBase + checkout.id)\""))
        }
    }
}
