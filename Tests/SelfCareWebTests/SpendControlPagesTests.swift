import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Issue 16 in the browser: the alerts page of a line, the consent to go over its spend limit, and the forecast of the
/// month's bill on the dashboards.
@Suite("Spend control pages")
struct SpendControlPagesTests {
    static let aline = Subscribers.aline.rawValue
    static let alertsPath = "/accounts/\(Subscribers.aline.rawValue)/alerts"

    static func storedSettings(_ portal: PortalTest) async throws -> UsageAlertSettings? {
        let account = try await portal.storedAccount(Subscribers.aline)
        return try await portal.database.read { db in try await UsageAlertRepository().settings(accountRowIDs: [account.id], on: db)[account.id] }
    }

    @Test("the alerts page starts at 80 and 100 % by SMS; saved settings come back on the page and are kept")
    func saveSettings() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let before = try await browser.get(Self.alertsPath)

            // when
            let saved = try await browser.post(Self.alertsPath, ["thresholds": "50, 80 100", "sms": "on", "email": "on", "spendLimit": "300"])
            let after = try await browser.follow(saved)

            // then
            #expect(before.status == .ok)
            #expect(before.text.contains(#"name="thresholds" type="text" inputmode="numeric" aria-describedby="thresholds-hint" value="80, 100""#))
            #expect(before.text.contains(#"name="sms" type="checkbox" value="on" checked"#))
            #expect(!before.text.contains(#"name="email" type="checkbox" value="on" checked"#))
            #expect(saved.status == .seeOther)
            #expect(after.text.contains("Your alert settings are saved."))
            #expect(after.text.contains(#"value="50, 80, 100""#))
            #expect(after.text.contains(#"name="email" type="checkbox" value="on" checked"#))
            #expect(after.text.contains(#"value="300.00""#))
            let stored = try #require(try await Self.storedSettings(portal))
            #expect(stored.thresholds == [50, 80, 100])
            #expect(stored.channels == [.sms, .email])
            #expect(stored.spendLimit == Money(cents: 30_000))
        }
    }

    @Test("bad input answers 422 naming the field, keeps what was typed and changes nothing", arguments: [
        ("50, 150", "", "thresholds", "Each threshold is a whole percentage from 1 to 100."),
        ("eighty", "", "thresholds", "Each threshold is a whole percentage from 1 to 100."),
        ("10, 20, 30, 40, 50, 60", "", "thresholds", "Choose at most 5 thresholds."),
        ("80, 80", "", "thresholds", "Each threshold may appear only once."),
        ("80", "-5", "spendLimit", "The spend limit must be more than 0"),
        ("80", "1000000", "spendLimit", "The spend limit must be more than 0"),
        ("80", "lots", "spendLimit", "Enter an amount such as 300 or 300.00."),
    ])
    func refusals(thresholds: String, spendLimit: String, field: String, message: String) async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            try await browser.get(Self.alertsPath)

            // when
            let response = try await browser.post(Self.alertsPath, ["thresholds": thresholds, "sms": "on", "spendLimit": spendLimit])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(##"<a href="#\##(field)">"##))
            #expect(response.text.contains(#"<p class="field-error" id="\#(field)-error">\#(message)"#))
            #expect(response.text.contains(#"value="\#(field == "thresholds" ? thresholds : spendLimit)""#))
            #expect(try await Self.storedSettings(portal) == nil)
        }
    }

    @Test("every field in error is named at once, not only the first", arguments: [("50, 150", "lots"), ("eighty", "-5")])
    func everyErrorAtOnce(thresholds: String, spendLimit: String) async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            try await browser.get(Self.alertsPath)

            // when
            let response = try await browser.post(Self.alertsPath, ["thresholds": thresholds, "sms": "on", "spendLimit": spendLimit])

            // then
            #expect(response.status == .unprocessableContent)
            for field in ["thresholds", "spendLimit"] {
                #expect(response.text.contains(##"<a href="#\##(field)">"##), "\(field) in the summary")
                #expect(response.text.contains(#"<p class="field-error" id="\#(field)-error">"#), "\(field) error")
            }
            #expect(try await Self.storedSettings(portal) == nil)
        }
    }

    @Test("another login's line has no alerts page, and its form changes nothing")
    func othersLine() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline)
            let other = "/accounts/\(Subscribers.companyAccounts[0].rawValue)/alerts"
            try await browser.get(Self.alertsPath)

            // when
            let page = try await browser.get(other)
            let posted = try await browser.post(other, ["thresholds": "10", "sms": "on"])

            // then
            #expect(page.status == .notFound)
            #expect(posted.status == .notFound)
            #expect(try await portal.count("usage_alert_settings") == 0)
        }
    }

    @Test("a line over its spend limit says so, and the consent to go over is recorded with time and login")
    func consentToGoOver() async throws {
        try await Billing.withPortal { portal in
            // given a limit of Rs 1.00, below what Aline's November already costs out of bundle
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            try await browser.get(Self.alertsPath)
            let limited = try await browser.follow(try await browser.post(Self.alertsPath, ["thresholds": "80, 100", "sms": "on", "spendLimit": "1"]))

            // when
            let consented = try await browser.post("\(Self.alertsPath)/consent")
            let after = try await browser.follow(consented)

            // then
            #expect(limited.text.contains("Spend limit reached."))
            #expect(limited.text.contains("Allow going over the limit this month"))
            #expect(consented.status == .seeOther)
            #expect(!after.text.contains("Allow going over the limit this month"))
            #expect(after.text.contains("Going over the limit was allowed on 20 Nov"))
            let actions = try await portal.auditEvents().map(\.action)
            #expect(actions.contains("spendLimitConsent"))
        }
    }

    @Test("a line's dashboard forecasts the month's bill and says how; a company's, for all its lines")
    func forecasts() async throws {
        try await Billing.withPortal { portal in
            // given
            let usage = portal.services.services.usage
            let alineAccount = try await portal.storedAccount(Subscribers.aline)
            let alineForecast = usage.forecast(try await usage.consumption(of: AccountView(alineAccount)))
            var companyForecast = Money.zero
            for id in Subscribers.companyAccounts + Billing.extraCompanyAccounts {
                companyForecast = companyForecast + usage.forecast(try await usage.consumption(of: AccountView(try await portal.storedAccount(id))))
            }

            // when
            let line = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en").get("/account")
            let company = try await portal.signedInBrowser(Subscribers.companyClientID.grouped, acceptLanguage: "en").get("/account")

            // then
            #expect(line.text.contains("Forecast of this month&#39;s bill"))
            #expect(line.text.contains(#"<p class="big">\#(alineForecast.formatted(.english))</p>"#))
            #expect(line.text.contains("in the first 20 of the month&#39;s 30 days, kept at that pace to the month&#39;s end"))
            #expect(company.text.contains("Forecast of this month&#39;s bills"))
            #expect(company.text.contains(#"<p class="big">\#(companyForecast.formatted(.english))</p>"#))
            #expect(company.text.contains("for your \(Billing.companyAccountCount) lines"))
        }
    }
}

/// Issue 14.4 in the browser: the API access page creates a token shown once, lists it with its last use, revokes it.
@Suite("API access page")
struct APIAccessPageTests {
    @Test("a token created on the page is shown once, works on the API, and stops when revoked on the page")
    func lifeOfAToken() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.aline.rawValue, acceptLanguage: "en")
            try await browser.get("/api-access")

            // when
            let created = try await browser.post("/api-access", ["name": "Accounting export", "billsRead": "on", "usageRead": "on"])
            let token = try #require(created.text.firstMatch(of: /sct_[A-Za-z0-9_-]+/).map { String($0.output) })
            let bills = try await portal.api(.get, "/api/v1/customerBill", token: token)
            let listed = try await browser.get("/api-access")
            let id = try #require(listed.text.firstMatch(of: /\/api-access\/([^\/"]+)\/revoke/).map { String($0.output.1) })
            let revoked = try await browser.post("/api-access/\(id)/revoke")
            let after = try await portal.api(.get, "/api/v1/customerBill", token: token)

            // then
            #expect(created.status == .created)
            #expect(created.headers[.cacheControl] == "no-store")
            #expect(created.text.contains("it is shown this once"))
            #expect(bills.status == .ok)
            #expect(listed.text.contains("Accounting export"))
            #expect(listed.text.contains("bills:read, usage:read"))
            #expect(!listed.text.contains(token))
            #expect(revoked.status == .seeOther)
            #expect(after.status == .unauthorized)
            #expect(try await browser.follow(revoked).text.contains("No token yet."))
        }
    }

    @Test("a token without a name or without a scope is refused, naming the field", arguments: [
        ("", "on", "name"),
        ("Script", "", "scopes"),
    ])
    func refusals(name: String, billsRead: String, field: String) async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.aline.rawValue, acceptLanguage: "en")
            try await browser.get("/api-access")

            // when
            let response = try await browser.post("/api-access", ["name": name, "billsRead": billsRead])

            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(#"<p class="field-error" id="\#(field)-error">"#))
            #expect(try await portal.count("api_tokens") == 0)
        }
    }
}
