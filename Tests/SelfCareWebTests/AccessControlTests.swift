import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Every query is scoped by the login: an Account ID sees its account, a Client ID exactly its client's accounts;
/// anything else is 404 whatever the id, and leaves an `accessDenied` audit event.
@Suite("Access control")
struct AccessControlTests {
    static let aline = Subscribers.aline.rawValue
    static let kevin = Subscribers.kevin.rawValue

    /// What another login owns, as the tests aim at it.
    struct Targets {
        var kevinBill: String
        var companyBill: String
        var companyGroup: String
        var ministryBill: String
        var ministryGroup: String
        var alineBill: String

        init(_ portal: PortalTest) async throws {
            kevinBill = try await portal.bill(of: Subscribers.kevin, period: Billing.october).billNo
            companyBill = try await portal.bill(of: Subscribers.companyAccounts[0], period: Billing.october).billNo
            companyGroup = try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0])[0].groupBillNo
            ministryBill = try await portal.bill(of: Billing.ministryAccounts[0], period: Billing.october).billNo
            ministryGroup = try await portal.groupBills(ofClientOf: Billing.ministryAccounts[0])[0].groupBillNo
            alineBill = try await portal.bill(of: Subscribers.aline, period: Billing.october).billNo
        }
    }

    @Test("an Account ID login gets 404 for another account's pages, bills and documents, each audited")
    func accountLoginPages() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let targets = try await Targets(portal)
            let userID = try await portal.userID(of: Subscribers.aline)
            let kevinsTotal = try await portal.bill(of: Subscribers.kevin, period: Billing.october).total.formatted(.english)
            let before = try await portal.denials().count
            let paths = [
                "/accounts/\(Self.kevin)", "/accounts/\(Self.kevin)/usage", "/accounts/\(Self.kevin)/bills",
                "/accounts/\(Subscribers.companyAccounts[0].rawValue)", "/accounts/\(Subscribers.unknownAccount.rawValue)",
                "/accounts/not-an-account", "/bills/\(targets.kevinBill)", "/bills/\(targets.companyBill)",
                "/bills/\(targets.kevinBill)/document?format=pdf", "/bills/\(targets.kevinBill)/document?format=csv",
                "/group-bills/\(targets.companyGroup)", "/group-bills/\(targets.companyGroup)/document?format=csv",
            ]

            // when
            var answers: [TestResponse] = []
            for path in paths { answers.append(try await browser.get(path)) }

            // then
            for (path, answer) in zip(paths, answers) {
                #expect(answer.status == .notFound, "\(path)")
                // (the page links to itself in the other language, so the path asked for is on it: nothing else may be)
                #expect(!answer.text.contains("Kevin Li") && !answer.text.contains(kevinsTotal), "\(path) leaks")
                #expect(!answer.text.contains(Subscribers.kevinLine.formatted), "\(path) leaks")
                #expect(answer.headers[.contentType]?.hasPrefix("text/html") == true, "\(path)")
            }
            let denials = try await portal.denials().dropFirst(before)
            #expect(denials.count == paths.count)
            #expect(denials.allSatisfy { $0.userID == userID })
            #expect(denials.contains { $0.detail?.contains(Self.kevin) == true })
            #expect(denials.contains { $0.detail?.contains(targets.kevinBill) == true })
            #expect(denials.contains { $0.detail?.contains(targets.companyGroup) == true })
            #expect(try await browser.get("/accounts/\(Self.aline)").status == .ok)
        }
    }

    @Test("another account's page and an account that does not exist answer exactly alike")
    func noEnumeration() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let targets = try await Targets(portal)
            let token = try await portal.token(Self.aline)

            // when
            let others = try await browser.get("/accounts/\(Self.kevin)/usage")
            let nobodys = try await browser.get("/accounts/\(Subscribers.unknownAccount.rawValue)/usage")
            let otherBill = try await portal.api(.get, "/api/v1/customerBill/\(targets.kevinBill)", token: token)
            let noBill = try await portal.api(.get, "/api/v1/customerBill/B209912-9999999", token: token)

            // then
            #expect(others.status == .notFound && nobodys.status == .notFound)
            let strip = { (page: TestResponse, id: String) in page.comparableText.replacingOccurrences(of: id, with: "ID") }
            #expect(strip(others, Self.kevin) == strip(nobodys, Subscribers.unknownAccount.rawValue))
            #expect(otherBill.status == .notFound && noBill.status == .notFound)
            #expect(otherBill.text == noBill.text)
        }
    }

    @Test("an Account ID login gets 404 for another account through the API, and 403 client_login_required for group bills")
    func accountLoginAPI() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let targets = try await Targets(portal)
            let userID = try await portal.userID(of: Subscribers.aline)
            let before = try await portal.denials().count
            let hidden = [
                "/api/v1/billingAccount/\(Self.kevin)", "/api/v1/customerBill/\(targets.kevinBill)",
                "/api/v1/customerBill/\(targets.companyBill)", "/api/v1/usage?billingAccount.id=\(Self.kevin)",
                "/api/v1/usageSummary?billingAccount.id=\(Self.kevin)", "/api/v1/customerBill?billingAccount.id=\(Self.kevin)",
                "/api/v1/customerBill/\(targets.kevinBill)/document?format=pdf", "/api/v1/customerBill/\(targets.kevinBill)/document?format=csv",
            ]
            let clientOnly = [
                "/api/v1/groupBill", "/api/v1/groupBill?period=2026-10", "/api/v1/groupBill/\(targets.companyGroup)",
                "/api/v1/groupBill/\(targets.companyGroup)/document?format=csv",
            ]

            // when
            var notFound: [TestResponse] = []
            for path in hidden { notFound.append(try await portal.api(.get, path, token: token)) }
            let deniedAfterHidden = try await portal.denials().count
            var forbidden: [TestResponse] = []
            for path in clientOnly { forbidden.append(try await portal.api(.get, path, token: token)) }

            // then
            for (path, answer) in zip(hidden, notFound) {
                #expect(answer.status == .notFound, "\(path)")
                #expect(answer.errorCode == "not_found", "\(path)")
                #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true, "\(path)")
            }
            for (path, answer) in zip(clientOnly, forbidden) {
                #expect(answer.status == .forbidden, "\(path)")
                #expect(answer.errorCode == "client_login_required", "\(path)")
                #expect(!answer.text.contains(targets.companyBill))
            }
            let denials = try await portal.denials().dropFirst(before)
            #expect(deniedAfterHidden - before == hidden.count)
            #expect(denials.allSatisfy { $0.userID == userID })
            #expect(try await portal.api(.get, "/api/v1/customerBill/\(targets.alineBill)", token: token).status == .ok)
        }
    }

    @Test("a Client ID login cannot see another client's accounts, bills, group bills or documents, in pages or the API")
    func clientLogin() async throws {
        try await Billing.withPortal { portal in
            // given the company's login, and what the ministry and Aline own
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.rawValue, acceptLanguage: "en")
            let token = try await portal.token(Subscribers.companyClientID.rawValue)
            let targets = try await Targets(portal)
            let userID = try await portal.userID(of: Subscribers.companyAccounts[0], client: true)
            let ministry = Billing.ministryAccounts[0].rawValue
            let before = try await portal.denials().count
            let pages = [
                "/accounts/\(ministry)", "/accounts/\(ministry)/usage", "/accounts/\(ministry)/bills", "/accounts/\(Self.aline)",
                "/bills/\(targets.ministryBill)", "/bills/\(targets.alineBill)", "/bills/\(targets.ministryBill)/document?format=pdf",
                "/group-bills/\(targets.ministryGroup)", "/group-bills/\(targets.ministryGroup)/document?format=pdf",
                "/group-bills/\(targets.ministryGroup)/document?format=csv",
            ]
            let api = [
                "/api/v1/billingAccount/\(ministry)", "/api/v1/usage?billingAccount.id=\(ministry)",
                "/api/v1/usageSummary?billingAccount.id=\(ministry)", "/api/v1/customerBill?billingAccount.id=\(ministry)",
                "/api/v1/customerBill/\(targets.ministryBill)", "/api/v1/customerBill/\(targets.ministryBill)/document?format=csv",
                "/api/v1/groupBill/\(targets.ministryGroup)", "/api/v1/groupBill/\(targets.ministryGroup)/document?format=pdf",
            ]

            // when
            var pageAnswers: [TestResponse] = []
            for path in pages { pageAnswers.append(try await browser.get(path)) }
            var apiAnswers: [TestResponse] = []
            for path in api { apiAnswers.append(try await portal.api(.get, path, token: token)) }
            let groupList = try await portal.api(.get, "/api/v1/groupBill", token: token)
            let accountList = try await portal.api(.get, "/api/v1/billingAccount", token: token)

            // then
            for (path, answer) in zip(pages, pageAnswers) { #expect(answer.status == .notFound, "\(path)") }
            for (path, answer) in zip(api, apiAnswers) {
                #expect(answer.status == .notFound, "\(path)")
                #expect(answer.errorCode == "not_found", "\(path)")
            }
            #expect(!groupList.text.contains(targets.ministryGroup))
            #expect(groupList.text.contains(targets.companyGroup))
            #expect(!accountList.text.contains(ministry) && !accountList.text.contains(Self.aline))
            let denials = try await portal.denials().dropFirst(before)
            #expect(denials.count == pages.count + api.count)
            #expect(denials.allSatisfy { $0.userID == userID })
            #expect(denials.contains { $0.detail?.contains(targets.ministryGroup) == true })
            #expect(try await browser.get("/group-bills/\(targets.companyGroup)").status == .ok)
        }
    }

    @Test("without a login every page redirects to /login", arguments: [
        "/account", "/accounts/\(Subscribers.aline.rawValue)", "/accounts/\(Subscribers.aline.rawValue)/usage",
        "/accounts/\(Subscribers.aline.rawValue)/bills", "/bills/B202610-0000001", "/bills/B202610-0000001/document?format=pdf",
        "/group-bills", "/group-bills/G202610-0000001", "/group-bills/G202610-0000001/document?format=csv",
    ])
    func pagesNeedALogin(path: String) async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = portal.browser()

            // when
            let answer = try await browser.get(path)

            // then
            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == "/login")
            #expect(!answer.text.contains("B202610-0000001"))
        }
    }

    @Test("without a valid Bearer token every API call gets 401 with a JSON error", arguments: [
        "/api/v1/billingAccount", "/api/v1/billingAccount/\(Subscribers.aline.rawValue)", "/api/v1/usage",
        "/api/v1/usage?billingAccount.id=\(Subscribers.aline.rawValue)", "/api/v1/usageSummary", "/api/v1/customerBill",
        "/api/v1/customerBill/B202610-0000001", "/api/v1/customerBill/B202610-0000001/document?format=pdf", "/api/v1/groupBill",
        "/api/v1/groupBill/G202610-0000001", "/api/v1/groupBill/G202610-0000001/document?format=csv",
    ])
    func apiNeedsAToken(path: String) async throws {
        try await Billing.withPortal { portal in
            // given a page session, which the API does not take, and a made-up token
            let browser = try await portal.signedInBrowser(Self.aline)
            let cookie = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")

            // when
            let none = try await portal.api(.get, path)
            let madeUp = try await portal.api(.get, path, token: "not-a-real-token")
            let withCookie = try await portal.api(.get, path, headers: [.cookie: cookie])

            // then
            for answer in [none, madeUp, withCookie] {
                #expect(answer.status == .unauthorized)
                #expect(answer.errorCode == "unauthorized")
                #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }

    @Test("a Bearer token opens no page: pages know only the session cookie")
    func tokenOpensNoPage() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)

            // when
            let answer = try await portal.client.execute(uri: "/account", method: .get, headers: [.authorization: "Bearer \(token)"])

            // then
            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == "/login")
        }
    }
}
