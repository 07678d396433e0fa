import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SnapshotTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// The HTML of the key pages, compared with the snapshots under `__Snapshots__/PageSnapshotTests`: any change of
/// markup, wording or layout values shows up as a line diff.
@Suite("Page snapshots", .snapshots(record: PageSnapshot.recordMode))
struct PageSnapshotTests {
    static let aline = Subscribers.aline.rawValue
    static let company = Subscribers.companyClientID.rawValue

    // MARK: - Public pages

    @Test("the login page", arguments: ["fr", "en"])
    func loginPage(language: String) async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser(acceptLanguage: language)

            // when
            let page = try await browser.get("/login")

            // then
            #expect(page.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(page), as: PageSnapshot.html, named: language)
        }
    }

    @Test("the login page after a wrong password")
    func loginPageWithError() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser(acceptLanguage: "en")
            try await browser.get("/login")

            // when
            let page = try await browser.post("/login", ["identifier": Self.aline, "password": "not the password"])

            // then
            #expect(page.status == .unauthorized)
            assertSnapshot(of: PageSnapshot.stable(page), as: PageSnapshot.html, named: "en")
        }
    }

    @Test("the home and terms pages")
    func homeAndTerms() async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser(acceptLanguage: "en")

            // when
            let home = try await browser.get("/")
            let terms = try await browser.get("/terms")

            // then
            #expect(home.status == .ok && terms.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(home), as: PageSnapshot.html, named: "home")
            assertSnapshot(of: PageSnapshot.stable(terms), as: PageSnapshot.html, named: "terms")
        }
    }

    @Test("the page of a path no route matches")
    func notFoundPage() async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser(acceptLanguage: "fr")

            // when
            let page = try await browser.get("/no-such-page?x=1")

            // then
            #expect(page.status == .notFound)
            assertSnapshot(of: PageSnapshot.stable(page), as: PageSnapshot.html, named: "fr")
        }
    }

    @Test("the registration pages: refused form, activation, password")
    func registrationPages() async throws {
        try await WebTest.withPortal { portal in
            // given
            let browser = portal.browser(acceptLanguage: "fr")
            try await browser.get("/register")

            // when
            let refused = try await browser.post("/register", ["identifier": "12", "fullName": "", "email": "not-an-address"])
            let started = try await browser.post("/register", [
                "identifier": Subscribers.kevin.rawValue, "fullName": "Kevin Li", "email": "kevin@example.mu", "acceptTerms": "on",
            ])
            let activation = try await browser.follow(started)
            let code = try await portal.latestCode(to: Subscribers.kevinLine)
            let activated = try await browser.post(try #require(started.headers[.location]), ["code": code])
            let password = try await browser.follow(activated)

            // then
            #expect(refused.status == .unprocessableContent)
            #expect(activation.status == .ok && password.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(refused), as: PageSnapshot.html, named: "refused")
            assertSnapshot(of: PageSnapshot.stable(activation), as: PageSnapshot.html, named: "activate")
            assertSnapshot(of: PageSnapshot.stable(password), as: PageSnapshot.html, named: "password")
        }
    }

    @Test("the password reset pages: refused request, code and new password")
    func passwordResetPages() async throws {
        try await WebTest.withPortal { portal in
            // given
            try await portal.register(Self.aline, number: Subscribers.alineLine)
            let browser = portal.browser(acceptLanguage: "en")
            try await browser.get("/password-reset")

            // when
            let refused = try await browser.post("/password-reset", ["identifier": "12"])
            let requested = try await browser.post("/password-reset", ["identifier": Self.aline])
            let codePage = try await browser.follow(requested)
            let mismatch = try await browser.post(try #require(requested.headers[.location]), [
                "code": "000000", "password": "long enough password", "passwordConfirmation": "another long password",
            ])

            // then
            #expect(refused.status == .unprocessableContent)
            #expect(codePage.status == .ok)
            #expect(mismatch.status == .unprocessableContent)
            assertSnapshot(of: PageSnapshot.stable(refused), as: PageSnapshot.html, named: "refused")
            assertSnapshot(of: PageSnapshot.stable(codePage), as: PageSnapshot.html, named: "code")
            assertSnapshot(of: PageSnapshot.stable(mismatch), as: PageSnapshot.html, named: "mismatch")
        }
    }

    // MARK: - A subscriber's pages

    @Test("the dashboard of a subscriber", arguments: ["fr", "en"])
    func dashboard(language: String) async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: language)

            // when
            let page = try await browser.get("/account")

            // then
            #expect(page.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(page), as: PageSnapshot.html, named: language)
        }
    }

    @Test("a bill, the list of bills and the usage of an account")
    func billPages() async throws {
        try await Billing.withPortal { portal in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")

            // when
            let billPage = try await browser.get("/bills/\(bill.billNo)")
            let bills = try await browser.get("/accounts/\(Self.aline)/bills")
            let usage = try await browser.get("/accounts/\(Self.aline)/usage?type=voice")

            // then
            #expect(billPage.status == .ok && bills.status == .ok && usage.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(billPage), as: PageSnapshot.html, named: "bill")
            assertSnapshot(of: PageSnapshot.stable(bills), as: PageSnapshot.html, named: "bills")
            assertSnapshot(of: PageSnapshot.stable(usage), as: PageSnapshot.html, named: "usage")
        }
    }

    @Test("the notifications a subscriber was sent")
    func notifications() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "fr")

            // when
            let page = try await browser.get("/notifications")

            // then
            #expect(page.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(page), as: PageSnapshot.html, named: "fr")
        }
    }

    @Test("a line's alerts page over its spend limit, and the API access page with a token just created")
    func spendControlAndAPIAccess() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let alertsPath = "/accounts/\(Self.aline)/alerts"
            try await browser.get(alertsPath)
            _ = try await browser.post(alertsPath, ["thresholds": "50, 80, 100", "sms": "on", "spendLimit": "1"])
            try await browser.get("/api-access")

            // when
            let alerts = try await browser.get(alertsPath)
            let apiAccess = try await browser.post("/api-access", ["name": "Accounting export", "billsRead": "on"])

            // then
            #expect(alerts.status == .ok)
            #expect(apiAccess.status == .created)
            assertSnapshot(of: PageSnapshot.stable(alerts), as: PageSnapshot.html, named: "alerts.en")
            let token = PageSnapshot.stable(apiAccess).replacing(/sct_[A-Za-z0-9_-]+/, with: "sct_TOKEN").replacing(/api-access\/[^\/"]+\/revoke/, with: "api-access/ID/revoke")
            assertSnapshot(of: token, as: PageSnapshot.html, named: "apiAccess.en")
        }
    }

    @Test("a client's dashboard, group bills and group bill")
    func clientPages() async throws {
        try await Billing.withPortal { portal in
            // given
            let group = try await portal.companyGroupBill()
            let browser = try await portal.signedInBrowser(Self.company, acceptLanguage: "en")

            // when
            let dashboard = try await browser.get("/account?page=2")
            let groups = try await browser.get("/group-bills")
            let groupPage = try await browser.get("/group-bills/\(group.groupBillNo)")

            // then
            #expect(dashboard.status == .ok && groups.status == .ok && groupPage.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(dashboard), as: PageSnapshot.html, named: "dashboard")
            assertSnapshot(of: PageSnapshot.stable(groups), as: PageSnapshot.html, named: "group-bills")
            assertSnapshot(of: PageSnapshot.stable(groupPage), as: PageSnapshot.html, named: "group-bill")
        }
    }

    // MARK: - Payments

    @Test("the payment history, a receipt and a declined payment")
    func paymentPages() async throws {
        try await Payments.withPortal { portal, gateway in
            // given a declined payment, then the same bill paid
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let (declined, _) = try await browser.payBill(bill.billNo)
            let declinedCheckout = try gateway.checkout(atURL: declined.headers[.location] ?? "")
            gateway.complete(declinedCheckout.id, .failed("card_declined"))
            try await browser.comeBack(from: declinedCheckout)
            portal.clock.advance(by: 120)
            let (paid, _) = try await browser.payBill(bill.billNo)
            let paidCheckout = try gateway.checkout(atURL: paid.headers[.location] ?? "")
            gateway.complete(paidCheckout.id, .paid(brand: "visa", last4: "4242"))
            try await browser.comeBack(from: paidCheckout)
            let ids = [declinedCheckout.reference, paidCheckout.reference]

            // when
            let history = try await browser.get("/payments")
            let receipt = try await browser.get("/payments/\(paidCheckout.reference)")
            let failure = try await browser.get("/payments/\(declinedCheckout.reference)")

            // then
            #expect(history.status == .ok && receipt.status == .ok && failure.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(history, paymentIDs: ids), as: PageSnapshot.html, named: "history")
            assertSnapshot(of: PageSnapshot.stable(receipt, paymentIDs: ids), as: PageSnapshot.html, named: "receipt")
            assertSnapshot(of: PageSnapshot.stable(failure, paymentIDs: ids), as: PageSnapshot.html, named: "declined")
        }
    }

    @Test("a payment still pending, and the refusal of a second one for the same bill")
    func pendingPayment() async throws {
        try await Payments.withPortal { portal, gateway in
            // given a payment left open on the card page
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let (started, _) = try await browser.payBill(bill.billNo)
            let checkout = try gateway.checkout(atURL: started.headers[.location] ?? "")

            // when
            let pending = try await browser.get("/payments/\(checkout.reference)")
            let (second, _) = try await browser.payBill(bill.billNo)

            // then
            #expect(pending.status == .ok)
            #expect(second.status == .conflict)
            let ids = [checkout.reference]
            assertSnapshot(of: PageSnapshot.stable(pending, paymentIDs: ids), as: PageSnapshot.html, named: "pending")
            assertSnapshot(of: PageSnapshot.stable(second, paymentIDs: ids), as: PageSnapshot.html, named: "under-way")
        }
    }

    @Test("a receipt as the API serves it in HTML")
    func receiptFromTheAPI() async throws {
        try await Payments.withPortal { portal, gateway in
            // given a paid bill
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let (started, _) = try await browser.payBill(bill.billNo)
            let checkout = try gateway.checkout(atURL: started.headers[.location] ?? "")
            gateway.complete(checkout.id, .paid(brand: "mastercard", last4: "4444"))
            try await browser.comeBack(from: checkout)
            let token = try await portal.token(Self.aline)

            // when
            let page = try await portal.api(.get, "/api/v1/payment/\(checkout.reference)/receipt?format=html", token: token,
                                            headers: [.acceptLanguage: "fr"])

            // then
            #expect(page.status == .ok)
            assertSnapshot(of: PageSnapshot.stable(page, paymentIDs: [checkout.reference]), as: PageSnapshot.html, named: "fr")
        }
    }

    @Test("the page of a refused pay form, in French")
    func refusedPayment() async throws {
        try await Payments.withPortal { portal, _ in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "fr")

            // when
            let (page, _) = try await browser.payBill(bill.billNo, amount: "douze")

            // then
            #expect(page.status == .unprocessableContent)
            assertSnapshot(of: PageSnapshot.stable(page), as: PageSnapshot.html, named: "fr")
        }
    }
}
