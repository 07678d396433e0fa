import Foundation
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Issue 15.9: what a subscriber found reading the pages in both languages — each fixed and pinned here.
@Suite("Pages read right")
struct PagesReadRightTests {
    static let aline = Subscribers.aline.rawValue

    @Test("a receipt names what it applied to bills as amounts applied (VAT included), dates itself with the year and groups the Account ID",
          arguments: ["en", "fr"])
    func receipt(language: String) async throws {
        try await Payments.withPortal { portal, gateway in
            // given
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: language)
            let (paid, _) = try await browser.payBill(bill.billNo)
            let checkout = try gateway.checkout(atURL: paid.headers[.location] ?? "")
            gateway.complete(checkout.id, .paid(brand: "visa", last4: "4242"))
            try await browser.comeBack(from: checkout)

            // when
            let receipt = try await browser.get("/payments/\(checkout.reference)")
            let history = try await browser.get("/payments")

            // then
            #expect(!receipt.text.contains("HT<") && !receipt.text.contains("excl. VAT<"))
            #expect(receipt.text.contains(language == "fr" ? "Montant imputé" : "Amount applied"))
            #expect(receipt.text.contains(language == "fr" ? "novembre 2026 à " : "November 2026, "))
            #expect(receipt.text.contains(#"class="mono">\#(Subscribers.aline.grouped)</td>"#))
            #expect(!history.text.contains("HT<") && !history.text.contains("excl. VAT<"))
            #expect(history.text.contains("2026"))
        }
    }

    @Test("an unpaid bill past its due date shows as overdue, in the list and on the bill", arguments: ["en", "fr"])
    func overdue(language: String) async throws {
        try await Billing.withPortal { portal in
            // given October's bill, due on 22 November, unpaid on 1 December
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            portal.clock.advance(by: 11 * 86_400)
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: language)

            // when
            let list = try await browser.get("/accounts/\(Self.aline)/bills")
            let page = try await browser.get("/bills/\(bill.billNo)")

            // then
            let label = language == "fr" ? "En retard" : "Overdue"
            #expect(list.text.contains(#"<span class="state overdue">\#(label)</span>"#))
            #expect(page.text.contains(#"<span class="state overdue">\#(label)</span>"#))
            #expect(!list.text.contains(#"<span class="state new">"#) && !list.text.contains(#"<span class="state sent">"#))
        }
    }

    @Test("English pages put no space before a colon; French ones put a no-break space")
    func colons() async throws {
        try await Billing.withPortal { portal in
            // given
            let english = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let french = try await portal.signedInBrowser(Self.aline, acceptLanguage: "fr")

            // when
            let englishPage = try await english.get("/account")
            let frenchPage = try await french.get("/account")

            // then
            let main = { (html: String) in String(html[html.range(of: "<main")!.lowerBound..<html.range(of: "</main>")!.upperBound]) }
            #expect(!main(englishPage.text).contains(" :"))
            #expect(!main(englishPage.text).contains("\u{00A0}:"))
            #expect(main(frenchPage.text).contains("\u{00A0}: "))
        }
    }

    @Test("an error page shows a logged-in subscriber the logged-in header, with a working log-out form")
    func errorPageWhenLoggedIn() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")

            // when
            let missing = try await browser.get("/no/such/page")
            let logout = try await browser.post("/logout")

            // then
            #expect(missing.status == .notFound)
            #expect(missing.text.contains(#"action="/logout""#))
            #expect(!missing.text.contains(#"<a href="/register">"#))
            #expect(logout.status == .seeOther)
            #expect(logout.headers[.location] == "/login?loggedOut=1")
        }
    }
}
