import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// The JSON API of accounts, usage, bills and group bills (CONTRACT §6), TMF-shaped, with Money always
/// `{"value": "1234.50", "unit": "MUR"}`, and its OpenAPI description.
@Suite("Billing API")
struct BillingAPITests {
    static let aline = Subscribers.aline.rawValue

    /// The body as a JSON array of objects.
    static func list(_ answer: TestResponse) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(answer.text.utf8))) as? [[String: Any]] ?? []
    }

    /// `{"value", "unit"}` as Money, if the object is exactly one.
    static func money(_ value: Any?) -> Money? {
        guard let object = value as? [String: Any], Set(object.keys) == ["value", "unit"], object["unit"] as? String == "MUR",
              let text = object["value"] as? String, text.wholeMatch(of: /-?[0-9]+\.[0-9]{2}/) != nil else { return nil }
        return try? Money(decimal: text)
    }

    /// Every object of `json` that has a `unit` of `MUR` or a money-like name, with where it was found.
    static func moneyObjects(_ json: Any, path: String = "$") -> [(path: String, value: Any)] {
        let names: Set<String> = [
            "amountDue", "remainingAmount", "taxIncludedAmount", "taxExcludedAmount", "taxAmount", "monthlyFee", "usageCharges",
            "charges", "amount", "taxExcludedRatingAmount",
        ]
        var found: [(String, Any)] = []
        if let object = json as? [String: Any] {
            for (key, value) in object {
                if names.contains(key) || (value as? [String: Any])?["unit"] as? String == "MUR" { found.append(("\(path).\(key)", value)) }
                found += moneyObjects(value, path: "\(path).\(key)")
            }
        } else if let array = json as? [Any] {
            for (index, value) in array.enumerated() { found += moneyObjects(value, path: "\(path)[\(index)]") }
        }
        return found
    }

    @Test("GET /billingAccount lists the login's accounts with their amount due; a Client ID login pages through them")
    func billingAccounts() async throws {
        try await Billing.withPortal { portal in
            // given
            let alineToken = try await portal.token(Self.aline)
            let companyToken = try await portal.token(Subscribers.companyClientID.rawValue)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)

            // when
            let own = try await portal.api(.get, "/api/v1/billingAccount", token: alineToken)
            let one = try await portal.api(.get, "/api/v1/billingAccount/\(Self.aline)", token: alineToken)
            let company = try await portal.api(.get, "/api/v1/billingAccount", token: companyToken)
            let secondPage = try await portal.api(.get, "/api/v1/billingAccount?offset=20&limit=20", token: companyToken)

            // then
            #expect(own.status == .ok)
            let accounts = Self.list(own)
            #expect(accounts.count == 1)
            let account = try #require(accounts.first)
            #expect(account["id"] as? String == Self.aline)
            #expect(account["href"] as? String == "/api/v1/billingAccount/\(Self.aline)")
            #expect(account["msisdn"] as? String == "+23057100001")
            #expect(account["accountType"] as? String == "postpaid")
            #expect(Self.money(account["amountDue"]) == bill.remaining)
            #expect(account["nextPaymentDueDate"] as? String == "2026-11-22")
            #expect((account["productOffering"] as? [String: Any])?["id"] as? String == "POST499")
            #expect(own.headers[HTTPField.Name("X-Total-Count")!] == "1")
            #expect(one.status == .ok && one.json["id"] as? String == Self.aline)
            #expect(Self.money(one.json["amountDue"]) == bill.remaining)
            let companyIDs = Self.list(company).compactMap { $0["id"] as? String }
            #expect(Set(companyIDs) == Set((Subscribers.companyAccounts + Billing.extraCompanyAccounts).map(\.rawValue)))
            #expect(company.headers[HTTPField.Name("X-Total-Count")!] == "24")
            #expect(Self.list(secondPage).compactMap { $0["id"] as? String } == Array(companyIDs.dropFirst(20)))
        }
    }

    @Test("GET /usage: the open period's records newest first, TMF635-shaped, each with its charge")
    func usage() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let rating = UsageRater.rate(Billing.alineNovemberRecords, plan: try await portal.plan(of: Subscribers.aline))
            let newestFirst = Array(rating.records.reversed())

            // when
            let answer = try await portal.api(.get, "/api/v1/usage", token: token)
            let explicit = try await portal.api(.get, "/api/v1/usage?billingAccount.id=\(Self.aline)&offset=60&limit=10", token: token)

            // then
            #expect(answer.status == .ok)
            let usages = Self.list(answer)
            #expect(usages.count == 64)
            #expect(answer.headers[HTTPField.Name("X-Total-Count")!] == "64")
            #expect(usages.compactMap { $0["id"] as? String } == newestFirst.map(\.record.recordID))
            #expect(usages.compactMap { $0["usageDate"] as? String } == newestFirst.map { Timestamp.format($0.record.startedAt) })
            let charges = usages.compactMap { usage -> Money? in
                guard let rated = (usage["ratedProductUsage"] as? [[String: Any]])?.first else { return nil }
                return Self.money(rated["taxExcludedRatingAmount"])
            }
            #expect(charges == newestFirst.map(\.charge))
            #expect(charges.reduce(Money.zero, +) == rating.usageCharges)
            let roaming = try #require(usages.first { $0["id"] as? String == "NA006" })
            #expect(roaming["usageType"] as? String == "voice")
            #expect(roaming["status"] as? String == "rated")
            let characteristics = (roaming["usageCharacteristic"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
                $0[$1["name"] as? String ?? ""] = $1["value"] as? String
            }
            #expect(characteristics == ["msisdn": "+23057100001", "durationSeconds": "45", "destination": "+23057100002", "roamingCountry": "FR"])
            let rated = try #require((roaming["ratedProductUsage"] as? [[String: Any]])?.first)
            #expect(rated["ratingAmountType"] as? String == "voiceRoaming")
            #expect(rated["usageRatingTag"] as? String == "charged")
            #expect(rated["isBilled"] as? Bool == false)
            #expect((rated["taxExcludedRatingAmount"] as? [String: String]) == ["value": "35.00", "unit": "MUR"])
            #expect((roaming["billingAccount"] as? [String: Any])?["id"] as? String == Self.aline)
            #expect(Self.list(explicit).compactMap { $0["id"] as? String } == newestFirst.dropFirst(60).map(\.record.recordID))
        }
    }

    @Test("GET /usage with from and to reaches a closed period, whose records are billed")
    func usageOfAClosedPeriod() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let october = Billing.octoberUsage.filter { $0[1] == Subscribers.alineLine.e164 }.map { $0[0] }

            // when
            let answer = try await portal.api(.get, "/api/v1/usage?from=2026-10-01&to=2026-10-31", token: token)
            let bothMonths = try await portal.api(.get, "/api/v1/usage?from=2026-10-05&to=2026-11-01", token: token)
            let backwards = try await portal.api(.get, "/api/v1/usage?from=2026-11-05&to=2026-10-01", token: token)

            // then
            let usages = Self.list(answer)
            #expect(Set(usages.compactMap { $0["id"] as? String }) == Set(october))
            #expect(usages.allSatisfy { $0["status"] as? String == "billed" })
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let charges = usages.compactMap { Self.money(($0["ratedProductUsage"] as? [[String: Any]])?.first?["taxExcludedRatingAmount"]) }
            #expect(charges.reduce(Money.zero, +) == bill.usageCharges)
            let both = Self.list(bothMonths).compactMap { $0["usageDate"] as? String }
            #expect(both.contains { $0.hasPrefix("2026-11-01") } && both.contains { $0.hasPrefix("2026-10-07") })
            #expect(!both.contains { $0.hasPrefix("2026-10-02") } && !both.contains { $0.hasPrefix("2026-11-02") })
            #expect(backwards.status == .badRequest && backwards.errorCode == "invalid_range")
        }
    }

    @Test("the open period is the portal clock's: on 2 December, /usage and /usageSummary are December's")
    func openPeriodFollowsTheClock() async throws {
        try await Billing.withPortal { portal in
            // given December has begun, November not yet billed
            portal.clock.advance(by: Billing.mauritius(2026, 12, 2, 9).timeIntervalSince(portal.clock.now()))
            let token = try await portal.token(Self.aline)

            // when
            let december = try await portal.api(.get, "/api/v1/usage", token: token)
            let sinceNovember = try await portal.api(.get, "/api/v1/usage?from=2026-11-01", token: token)
            let summary = try await portal.api(.get, "/api/v1/usageSummary", token: token)

            // then
            #expect(december.status == .ok && Self.list(december).isEmpty)
            #expect(Self.list(sinceNovember).count == 64)
            #expect(summary.json["period"] as? String == "2026-12")
            #expect(Self.money(summary.json["charges"]) == .zero)
        }
    }

    @Test("GET /usageSummary: the open period's meters and charges so far, as the bill run will compute them")
    func usageSummary() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let companyToken = try await portal.token(Subscribers.companyClientID.rawValue)
            let rating = UsageRater.rate(Billing.alineNovemberRecords, plan: try await portal.plan(of: Subscribers.aline))

            // when
            let answer = try await portal.api(.get, "/api/v1/usageSummary", token: token)
            let withoutAccount = try await portal.api(.get, "/api/v1/usageSummary", token: companyToken)
            let member = try await portal.api(.get, "/api/v1/usageSummary?billingAccount.id=\(Subscribers.companyAccounts[1].rawValue)",
                                              token: companyToken)

            // then
            #expect(answer.status == .ok)
            #expect(answer.json["period"] as? String == "2026-11")
            let voice = try #require(answer.json["voice"] as? [String: Any])
            #expect(voice["used"] as? Int == Int(rating.voiceMinutes.used))
            #expect(voice["allowance"] as? Int == 100)
            #expect(voice["remaining"] as? Int == Int(rating.voiceMinutes.remaining))
            #expect(voice["unit"] as? String == "minute")
            #expect((answer.json["data"] as? [String: Any])?["used"] as? Int == Int(rating.dataBytes.used))
            #expect((answer.json["sms"] as? [String: Any])?["used"] as? Int == 8)
            #expect(Self.money(answer.json["charges"]) == rating.usageCharges)
            let byClass = answer.json["chargesByClass"] as? [[String: Any]] ?? []
            #expect(byClass.compactMap { $0["chargeClass"] as? String } == rating.lines.map(\.chargeClass.rawValue))
            #expect(byClass.compactMap { Self.money($0["amount"]) } == rating.lines.map(\.amount))
            #expect(withoutAccount.status == .badRequest && withoutAccount.errorCode == "missing_parameter")
            #expect(member.status == .ok && member.json["period"] as? String == "2026-11")
        }
    }

    @Test("GET /customerBill lists the login's bills, filtered by state; an unknown state is 400")
    func customerBills() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let companyToken = try await portal.token(Subscribers.companyClientID.rawValue)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)

            // when
            let all = try await portal.api(.get, "/api/v1/customerBill", token: token)
            let sent = try await portal.api(.get, "/api/v1/customerBill?state=sent", token: token)
            let settled = try await portal.api(.get, "/api/v1/customerBill?state=settled", token: token)
            let unknown = try await portal.api(.get, "/api/v1/customerBill?state=paid", token: token)
            let company = try await portal.api(.get, "/api/v1/customerBill?state=sent", token: companyToken)
            let member = try await portal.api(.get, "/api/v1/customerBill?billingAccount.id=\(Subscribers.companyAccounts[0].rawValue)",
                                              token: companyToken)

            // then
            #expect(Self.list(all).compactMap { $0["id"] as? String } == [bill.billNo])
            #expect(Self.list(sent).compactMap { $0["id"] as? String } == [bill.billNo])
            #expect(Self.list(sent).first?["state"] as? String == "sent")
            #expect(Self.list(sent).first?["billLines"] == nil)
            #expect(settled.status == .ok && Self.list(settled).isEmpty)
            #expect(unknown.status == .badRequest && unknown.errorCode == "invalid_state")
            #expect(Self.list(company).count == Billing.companyAccountCount)
            #expect(Self.list(member).compactMap { ($0["billingAccount"] as? [String: Any])?["id"] as? String }
                == [Subscribers.companyAccounts[0].rawValue])
        }
    }

    @Test("GET /customerBill/{id}: TMF678 bill with its lines, VAT item, totals and what is left to pay")
    func customerBill() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Self.aline)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let lines = try await portal.lines(of: bill)

            // when
            let answer = try await portal.api(.get, "/api/v1/customerBill/\(bill.billNo)", token: token)

            // then
            #expect(answer.status == .ok)
            let json = answer.json
            #expect(json["id"] as? String == bill.billNo && json["billNo"] as? String == bill.billNo)
            #expect(json["href"] as? String == "/api/v1/customerBill/\(bill.billNo)")
            #expect(json["billDate"] as? String == "2026-11-01")
            #expect(json["paymentDueDate"] as? String == "2026-11-22")
            #expect(json["state"] as? String == "sent")
            let period = try #require(json["billingPeriod"] as? [String: String])
            #expect(period == ["startDateTime": "2026-10-01T00:00:00+04:00", "endDateTime": "2026-11-01T00:00:00+04:00"])
            #expect(Self.money(json["monthlyFee"]) == bill.monthlyFee)
            #expect(Self.money(json["usageCharges"]) == bill.usageCharges)
            #expect(Self.money(json["taxExcludedAmount"]) == bill.amountExcludingVAT)
            #expect(Self.money(json["taxIncludedAmount"]) == bill.total)
            #expect(Self.money(json["amountDue"]) == bill.total)
            #expect(Self.money(json["remainingAmount"]) == bill.remaining)
            let tax = try #require((json["taxItem"] as? [[String: Any]])?.first)
            #expect(tax["taxCategory"] as? String == "VAT")
            #expect(tax["taxRate"] as? Double == 0.15)
            #expect(Self.money(tax["taxAmount"]) == bill.vat)
            let billLines = json["billLines"] as? [[String: Any]] ?? []
            #expect(billLines.compactMap { $0["chargeClass"] as? String } == lines.map(\.chargeClass.rawValue))
            #expect(billLines.compactMap { Self.money($0["amount"]) } == lines.map(\.amount))
            #expect(billLines.compactMap { $0["quantity"] as? Int } == lines.map { Int($0.quantity) })
            #expect(billLines.compactMap { Self.money($0["amount"]) }.reduce(Money.zero, +) == bill.usageCharges)
            let documents = (json["billDocument"] as? [[String: String]] ?? []).map { $0["href"] ?? "" }
            #expect(documents == ["/api/v1/customerBill/\(bill.billNo)/document?format=pdf", "/api/v1/customerBill/\(bill.billNo)/document?format=csv"])
        }
    }

    @Test("GET /groupBill?period= and /groupBill/{id}: the client's group bills, whose member bills add up to the total")
    func groupBills() async throws {
        try await Billing.withPortal { portal in
            // given
            let token = try await portal.token(Subscribers.companyClientID.rawValue)
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)

            // when
            let october = try await portal.api(.get, "/api/v1/groupBill?period=2026-10", token: token)
            let september = try await portal.api(.get, "/api/v1/groupBill?period=2026-09", token: token)
            let one = try await portal.api(.get, "/api/v1/groupBill/\(group.groupBillNo)", token: token)

            // then
            let groups = Self.list(october)
            #expect(groups.compactMap { $0["id"] as? String } == [group.groupBillNo])
            #expect(groups.first?["customerBill"] == nil)
            #expect(groups.first?["period"] as? String == "2026-10")
            #expect(groups.first?["accountCount"] as? Int == Billing.companyAccountCount)
            #expect(september.status == .ok && Self.list(september).isEmpty)
            #expect(one.status == .ok)
            #expect(Self.money(one.json["taxIncludedAmount"]) == group.total)
            #expect(Self.money(one.json["remainingAmount"]) == group.remaining)
            #expect(one.json["paymentDueDate"] as? String == "2026-11-22")
            let members = one.json["customerBill"] as? [[String: Any]] ?? []
            #expect(members.count == Billing.companyAccountCount)
            #expect(members.compactMap { Self.money($0["taxIncludedAmount"]) }.reduce(Money.zero, +) == group.total)
            #expect(members.allSatisfy { ($0["billingAccount"] as? [String: Any])?["id"] as? String != nil })
        }
    }

    @Test("every amount in every answer is {\"value\": \"1234.50\", \"unit\": \"MUR\"}")
    func moneyShape() async throws {
        try await Billing.withPortal { portal in
            // given
            let alineToken = try await portal.token(Self.aline)
            let companyToken = try await portal.token(Subscribers.companyClientID.rawValue)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)
            let calls = [
                ("/api/v1/billingAccount", alineToken), ("/api/v1/billingAccount/\(Self.aline)", alineToken), ("/api/v1/usage", alineToken),
                ("/api/v1/usage?from=2026-10-01&to=2026-10-31", alineToken), ("/api/v1/usageSummary", alineToken),
                ("/api/v1/customerBill", alineToken), ("/api/v1/customerBill/\(bill.billNo)", alineToken),
                ("/api/v1/billingAccount", companyToken), ("/api/v1/groupBill", companyToken),
                ("/api/v1/groupBill/\(group.groupBillNo)", companyToken),
            ]

            // when
            var found: [(String, Any)] = []
            for (path, token) in calls {
                let answer = try await portal.api(.get, path, token: token)
                #expect(answer.status == .ok, "\(path)")
                let json = try JSONSerialization.jsonObject(with: Data(answer.text.utf8))
                found += Self.moneyObjects(json).map { ("\(path) \($0.path)", $0.value) }
            }

            // then
            #expect(found.count > 100)
            for (path, value) in found { #expect(Self.money(value) != nil, "\(path) is \(value)") }
            #expect(found.contains { Self.money($0.1).map { $0.cents >= 100_000 } == true })
        }
    }

    @Test("the OpenAPI 3.1 description is served, well-formed, and documents every field the billing answers carry")
    func openAPI() async throws {
        try await Billing.withPortal { portal in
            // given
            let alineToken = try await portal.token(Self.aline)
            let companyToken = try await portal.token(Subscribers.companyClientID.rawValue)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)

            // when
            let answer = try await portal.api(.get, "/api/v1/openapi.yaml")
            let document = try OpenAPIText(answer.text)

            // then
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(answer.text.hasPrefix("openapi: 3.1"))
            #expect(document.topLevelKeys.isSuperset(of: ["openapi", "info", "paths", "components"]))
            for path in [
                "/api/v1/billingAccount", "/api/v1/billingAccount/{id}", "/api/v1/usage", "/api/v1/usageSummary", "/api/v1/customerBill",
                "/api/v1/customerBill/{id}", "/api/v1/customerBill/{id}/document", "/api/v1/groupBill", "/api/v1/groupBill/{id}",
                "/api/v1/groupBill/{id}/document", "/api/v1/communicationMessage", "/api/v1/openapi.yaml",
                "/api/v1/billingAccount/{id}/usageAlerts", "/api/v1/billingAccount/{id}/spendLimitConsent", "/api/v1/usageConsumption",
            ] {
                #expect(document.paths.contains(path), "\(path) is not described")
            }
            #expect(document.references.count > 50)
            #expect(document.unresolvedReferences.isEmpty, "\(document.unresolvedReferences)")
            let samples: [(String, [String: Any])] = [
                ("BillingAccount", Self.list(try await portal.api(.get, "/api/v1/billingAccount", token: alineToken)).first ?? [:]),
                ("Usage", Self.list(try await portal.api(.get, "/api/v1/usage", token: alineToken)).first ?? [:]),
                ("UsageSummary", try await portal.api(.get, "/api/v1/usageSummary", token: alineToken).json),
                ("CustomerBill", try await portal.api(.get, "/api/v1/customerBill/\(bill.billNo)", token: alineToken).json),
                ("GroupBill", try await portal.api(.get, "/api/v1/groupBill/\(group.groupBillNo)", token: companyToken).json),
                ("UsageAlerts", try await portal.api(.get, "/api/v1/billingAccount/\(Self.aline)/usageAlerts", token: alineToken).json),
                ("UsageConsumption", try await portal.api(.get, "/api/v1/usageConsumption", token: alineToken).json),
            ]
            for (schema, sample) in samples {
                let documented = document.properties(of: schema)
                #expect(!sample.isEmpty && !documented.isEmpty, "\(schema)")
                #expect(Set(sample.keys).subtracting(documented).isEmpty, "\(schema) lacks \(Set(sample.keys).subtracting(documented))")
            }
        }
    }
}

/// Just enough of a YAML reader for the OpenAPI document: block mappings by indentation, no tabs.
struct OpenAPIText {
    /// Each non-blank, non-comment line: its indentation and key (nil for list items and text).
    private var lines: [(indent: Int, key: String?, text: String)] = []

    init(_ text: String) throws {
        var inBlockText: Int?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            guard !line.contains("\t") else { throw PortalTestError("a tab in: \(line)") }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " }.count
            guard indent % 2 == 0 else { throw PortalTestError("odd indentation: \(line)") }
            if let block = inBlockText, indent > block { continue }
            inBlockText = nil
            var key: String?
            if !trimmed.hasPrefix("- "), let colon = trimmed.firstIndex(of: ":"),
               trimmed[trimmed.index(after: colon)...].isEmpty || trimmed[trimmed.index(after: colon)...].hasPrefix(" ") {
                key = String(trimmed[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
            if trimmed.hasSuffix("|") || trimmed.hasSuffix(">") { inBlockText = indent }
            lines.append((indent, key, trimmed))
        }
    }

    var topLevelKeys: Set<String> { Set(lines.filter { $0.indent == 0 }.compactMap(\.key)) }

    /// The keys right under the top-level key `parent`, then under `child`, …
    func keys(under path: [String]) -> [String] {
        var start = 0
        var end = lines.count
        var indent = 0
        for name in path {
            guard let found = lines[start..<end].firstIndex(where: { $0.indent == indent && $0.key == name }) else { return [] }
            start = found + 1
            end = lines[start...].firstIndex(where: { $0.indent <= indent }) ?? lines.count
            indent += 2
        }
        return lines[start..<end].filter { $0.indent == indent }.compactMap(\.key)
    }

    var paths: Set<String> { Set(keys(under: ["paths"])) }

    func properties(of schema: String) -> Set<String> {
        Set(keys(under: ["components", "schemas", schema, "properties"]))
    }

    /// Every `$ref` to a component: its section and name.
    var references: [(section: String, name: String)] {
        lines.compactMap { line in
            line.text.firstMatch(of: /\$ref: "#\/components\/([A-Za-z]+)\/([A-Za-z0-9]+)"/).map { (String($0.output.1), String($0.output.2)) }
        }
    }

    /// `$ref` targets that name no component.
    var unresolvedReferences: [String] {
        references.filter { !keys(under: ["components", $0.section]).contains($0.name) }.map { "\($0.section)/\($0.name)" }
    }
}
