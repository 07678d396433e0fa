import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// Issue 16 in the API (CONTRACT §9): `usageAlerts`, the consent to go over a spend limit and `usageConsumption`.
@Suite("Usage alerts API")
struct UsageAlertsAPITests {
    static let aline = Subscribers.aline.rawValue

    static func alerts(_ account: String) -> String { "/api/v1/billingAccount/\(account)/usageAlerts" }

    @Test("a line starts with 80 and 100 % by SMS and no spend limit; a PUT replaces the settings and GET shows them")
    func readAndReplace() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)

            // when
            let before = try await portal.api(.get, Self.alerts(Self.aline), token: token)
            let put = try await portal.api(.put, Self.alerts(Self.aline), [
                "thresholds": [100, 50, 80], "channels": ["sms", "email"], "spendLimit": ["value": "300.00", "unit": "MUR"],
            ], token: token)
            let after = try await portal.api(.get, Self.alerts(Self.aline), token: token)

            // then
            #expect(before.status == .ok)
            #expect(before.json["thresholds"] as? [Int] == [80, 100])
            #expect(before.json["channels"] as? [String] == ["sms"])
            #expect(before.json["spendLimit"] is NSNull || before.json["spendLimit"] == nil)
            #expect(put.status == .ok)
            #expect(after.json["thresholds"] as? [Int] == [50, 80, 100])
            #expect(after.json["channels"] as? [String] == ["sms", "email"])
            let limit = after.json["spendLimit"] as? [String: Any]
            #expect(limit?["value"] as? String == "300.00" && limit?["unit"] as? String == "MUR")
            #expect(try await portal.auditEvents().contains { $0.action == "usageAlertsChanged" && $0.detail?.contains(Self.aline) == true })
        }
    }

    @Test("a threshold the line has already passed is sent as soon as it is set, once")
    func passedThresholdSentAtOnce() async throws {
        try await Billing.withPortal { portal in
            // given Aline's November data is past her whole allowance
            let token = try await portal.token(Self.aline)
            let body: [String: any Sendable] = ["thresholds": [50], "channels": ["sms"], "spendLimit": NSNull()]

            // when the same settings are sent twice
            _ = try await portal.api(.put, Self.alerts(Self.aline), body, token: token)
            let afterFirst = try await portal.count("outbox_messages", where: "purpose = 'usageAlert'")
            let second = try await portal.api(.put, Self.alerts(Self.aline), body, token: token)

            // then
            #expect(afterFirst >= 1)
            #expect(try await portal.count("outbox_messages", where: "purpose = 'usageAlert'") == afterFirst)
            let reached = try #require(second.json["reached"] as? [[String: Any]])
            #expect(reached.contains { $0["subject"] as? String == "data" && $0["percent"] as? Int == 50 })
        }
    }

    @Test("bad settings answer 422 naming the field, and change nothing", arguments: [
        (#"{"thresholds": [0], "channels": ["sms"]}"#, "thresholds"),
        (#"{"thresholds": [1, 2, 3, 4, 5, 6], "channels": ["sms"]}"#, "thresholds"),
        (#"{"thresholds": [80, 80], "channels": ["sms"]}"#, "thresholds"),
        (#"{"thresholds": ["eighty"], "channels": ["sms"]}"#, "thresholds"),
        (#"{"thresholds": [80.5], "channels": ["sms"]}"#, "thresholds"),
        (#"{"thresholds": [80], "channels": ["fax"]}"#, "channels"),
        (#"{"thresholds": [80], "channels": ["sms"], "spendLimit": {"value": "1000000.00", "unit": "MUR"}}"#, "spendLimit"),
        (#"{"thresholds": [80], "channels": ["sms"], "spendLimit": {"value": "-5", "unit": "MUR"}}"#, "spendLimit"),
        (#"{"thresholds": [80], "channels": ["sms"], "spendLimit": {"value": "300", "unit": "EUR"}}"#, "spendLimit.unit"),
        (#"{"channels": ["sms"]}"#, "thresholds"),
    ])
    func refused(body: String, field: String) async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)

            // when
            let answer = try await portal.client.execute(
                uri: Self.alerts(Self.aline), method: .put,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(string: body))

            // then
            #expect(answer.status == .unprocessableContent)
            #expect((answer.json["error"] as? [String: Any])?["field"] as? String == field)
            #expect(try await portal.count("usage_alert_settings") == 0)
        }
    }

    @Test("another login's line is 404 for reading and for writing")
    func otherLinesHidden() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let company = Subscribers.companyAccounts[0].rawValue

            // when
            let read = try await portal.api(.get, Self.alerts(company), token: token)
            let write = try await portal.api(.put, Self.alerts(company), ["thresholds": [10], "channels": ["sms"]], token: token)
            let consent = try await portal.api(.post, "/api/v1/billingAccount/\(company)/spendLimitConsent", token: token)
            let consumption = try await portal.api(.get, "/api/v1/usageConsumption?billingAccount.id=\(company)", token: token)

            // then
            #expect([read.status, write.status, consent.status, consumption.status] == [.notFound, .notFound, .notFound, .notFound])
            #expect(try await portal.count("usage_alert_settings") == 0)
        }
    }

    @Test("a company's line: its administrator sets the spend limit, the line's own login may not")
    func companySpendLimitByAdministrator() async throws {
        try await Billing.withPortal { portal in
            // given the company's Client ID login and a login of one of its lines
            let line = Subscribers.companyAccounts[0]
            try await portal.register(line.rawValue, number: Subscribers.companyLines[0])
            let lineToken = try await portal.token(line.rawValue)
            let adminToken = try await portal.token(Subscribers.companyClientID.rawValue)
            let withLimit: [String: any Sendable] = ["thresholds": [80], "channels": ["sms"], "spendLimit": ["value": "150.00", "unit": "MUR"]]

            // when
            let byLine = try await portal.api(.put, Self.alerts(line.rawValue), withLimit, token: lineToken)
            let thresholdsByLine = try await portal.api(.put, Self.alerts(line.rawValue), ["thresholds": [90], "channels": ["sms"]], token: lineToken)
            let byAdmin = try await portal.api(.put, Self.alerts(line.rawValue), withLimit, token: adminToken)

            // then
            #expect(byLine.status == .forbidden)
            #expect((byLine.json["error"] as? [String: Any])?["code"] as? String == "spend_limit_admin_only")
            #expect(thresholdsByLine.status == .ok)
            #expect(byAdmin.status == .ok)
            #expect((byAdmin.json["spendLimit"] as? [String: Any])?["value"] as? String == "150.00")
            #expect(byAdmin.json["thresholds"] as? [Int] == [80])
        }
    }

    @Test("a consent to go over is recorded once, with its login and time, and needs a spend limit")
    func consent() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let path = "/api/v1/billingAccount/\(Self.aline)/spendLimitConsent"

            // when
            let withoutLimit = try await portal.api(.post, path, token: token)
            _ = try await portal.api(.put, Self.alerts(Self.aline),
                                     ["thresholds": [80], "channels": ["sms"], "spendLimit": ["value": "100.00", "unit": "MUR"]], token: token)
            let first = try await portal.api(.post, path, token: token)
            let second = try await portal.api(.post, path, token: token)

            // then
            #expect(withoutLimit.status == .conflict)
            #expect(first.status == .created)
            #expect(second.status == .created)
            let spend = try #require(first.json["spend"] as? [String: Any])
            #expect(spend["consentToGoOver"] as? String != nil)
            #expect(spend["overLimit"] as? Bool == false)
            let consents = try await portal.auditEvents().filter { $0.action == "spendLimitConsent" }
            #expect(consents.count == 1)
            #expect(consents.first?.userID == (try await portal.userID(of: Subscribers.aline)))
            #expect(try await portal.count("spend_limit_consents") == 1)
        }
    }

    @Test("usageConsumption: three TMF677 buckets, out-of-bundle charges so far and the forecast of the bill")
    func usageConsumption() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let usage = portal.services.services.usage
            let consumption = try await usage.consumption(of: AccountView(try await portal.storedAccount(Subscribers.aline)))

            // when
            let answer = try await portal.api(.get, "/api/v1/usageConsumption?billingAccount.id=\(Self.aline)", token: token)
            let own = try await portal.api(.get, "/api/v1/usageConsumption", token: token)

            // then
            #expect(answer.status == .ok)
            #expect(own.status == .ok && own.json["id"] as? String == answer.json["id"] as? String)
            #expect(answer.json["@type"] as? String == "UsageConsumptionReport")
            #expect(answer.json["period"] as? String == "2026-11")
            let buckets = try #require(answer.json["bucket"] as? [[String: Any]])
            #expect(buckets.compactMap { $0["id"] as? String } == ["voice", "sms", "data"])
            let data = try #require(buckets.last)
            #expect(data["unit"] as? String == "byte")
            #expect(data["allowance"] as? Int64 == consumption.rating.dataBytes.allowance)
            #expect(data["used"] as? Int64 == consumption.rating.dataBytes.used)
            #expect(data["remaining"] as? Int64 == consumption.rating.dataBytes.remaining)
            #expect(BillingAPITests.money(answer.json["outOfBundleCharges"]) == consumption.rating.usageCharges)
            let forecast = try #require(BillingAPITests.money(answer.json["forecast"]))
            #expect(forecast == usage.forecast(consumption))
            #expect(forecast >= BillAmounts(monthlyFee: consumption.plan.monthlyFee, rating: consumption.rating).total)
        }
    }
}
