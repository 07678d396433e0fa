import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices
import SelfCareStore

/// What a logged-in subscriber came for: the dashboard, current consumption, bills, group bills and documents.
struct SubscriberPagesController {
    let pages: PageRenderer
    let subscribers: SubscriberService

    static let accountsPerPage = 20
    static let recordsPerPage = 50

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/account") { request, context -> Response in
            let identity = try context.signedInIdentity()
            if let account = try await subscribers.ownAccount(identity) {
                return try await dashboard(account, request: request, context: context)
            }
            return try await clientDashboard(identity, request: request, context: context)
        }
        router.get("/accounts/{accountId}") { request, context -> Response in
            let identity = try context.signedInIdentity()
            let account = try await visibleAccount(context, identity)
            return try await dashboard(account, request: request, context: context)
        }
        router.get("/accounts/{accountId}/usage") { request, context -> Response in
            let identity = try context.signedInIdentity()
            let account = try await visibleAccount(context, identity)
            return try await usagePage(account, request: request, context: context)
        }
        router.get("/accounts/{accountId}/bills") { request, context -> Response in
            let identity = try context.signedInIdentity()
            let account = try await visibleAccount(context, identity)
            let bills = try await subscribers.bills(identity, account: account, state: nil, offset: 0, limit: 60)
            let values: [String: Any] = [
                "account": accountValues(account), "bills": bills.map { billRow($0, context.language) }, "hasBills": !bills.isEmpty,
                "payKey": SecretTokens.random(bytes: 16),
            ]
            return try pages.page("bills", titleKey: "bills.title", request: request, context: context, values: values)
                .response(from: request, context: context)
        }
        router.get("/bills/{billNo}") { request, context -> Response in
            let identity = try context.signedInIdentity()
            guard let (bill, lines) = try await subscribers.bill(try context.parameters.require("billNo"), for: identity) else {
                throw HTTPError(.notFound)
            }
            return try await billPage(bill, lines: lines, request: request, context: context)
        }
        router.get("/bills/{billNo}/document") { request, context -> Response in
            let identity = try context.signedInIdentity()
            guard let (bill, lines) = try await subscribers.bill(try context.parameters.require("billNo"), for: identity) else {
                throw HTTPError(.notFound)
            }
            let (document, records) = try await subscribers.document(for: bill, lines: lines, identity: identity)
            return DocumentResponse.make(document, records: records, format: try format(request), language: context.language,
                                         localizer: pages.localizer)
        }
        router.get("/group-bills") { request, context -> Response in
            let identity = try context.signedInIdentity()
            let groups = try await subscribers.groupBills(identity, period: nil)
            let values: [String: Any] = ["groups": groups.map { groupRow($0, context.language) }, "hasGroups": !groups.isEmpty]
            return try pages.page("group-bills", titleKey: "groupBills.title", request: request, context: context, values: values)
                .response(from: request, context: context)
        }
        router.get("/group-bills/{number}") { request, context -> Response in
            let identity = try context.signedInIdentity()
            guard let (group, members) = try await subscribers.groupBill(try context.parameters.require("number"), for: identity) else {
                throw HTTPError(.notFound)
            }
            let language = context.language
            var values = groupRow(group, language)
            values["members"] = members.map { billRow($0, language) }
            values["excl"] = members.reduce(Money.zero) { $0 + $1.amountExcludingVAT }.formatted(language)
            values["hasRemaining"] = group.remaining.cents > 0
            values["remainingPlain"] = group.remaining.decimalString
            values["payKey"] = SecretTokens.random(bytes: 16)
            values["vat"] = members.reduce(Money.zero) { $0 + $1.vat }.formatted(language)
            return try pages.page("group-bill", titleKey: "groupBills.one", request: request, context: context, values: ["group": values])
                .response(from: request, context: context)
        }
        router.get("/group-bills/{number}/document") { request, context -> Response in
            let identity = try context.signedInIdentity()
            guard let (group, members) = try await subscribers.groupBill(try context.parameters.require("number"), for: identity) else {
                throw HTTPError(.notFound)
            }
            let (document, records) = try await subscribers.document(for: group, members: members, identity: identity)
            return DocumentResponse.make(document, records: records, format: try format(request), language: context.language,
                                         localizer: pages.localizer)
        }
    }

    // MARK: - Pages

    private func dashboard(_ account: StoredAccount, request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let consumption = try await subscribers.consumption(of: account)
        let unpaid = try await subscribers.bills(try context.signedInIdentity(), account: account, state: nil, offset: 0, limit: 24)
            .filter { $0.state != .settled }
        let due = unpaid.reduce(Money.zero) { $0 + $1.remaining }
        let today = CalendarDay(containing: subscribers.clock.now())
        let overdue = unpaid.filter { (try? CalendarDay($0.dueDate)).map { $0 < today } ?? false }
        let nextDue = unpaid.map(\.dueDate).min()
        let history = try await subscribers.history(of: account, count: 6)
        let rating = consumption.rating
        let meters: [[String: Any]] = [
            meter("voice", used: rating.voiceMinutes.used, allowance: rating.voiceMinutes.allowance, unit: .minute, language),
            meter("sms", used: rating.sms.used, allowance: rating.sms.allowance, unit: .message, language),
            meter("data", used: rating.dataBytes.used, allowance: rating.dataBytes.allowance, unit: .byte, language),
        ]
        var values: [String: Any] = [
            "account": accountValues(account),
            "planName": consumption.plan.name,
            "period": DisplayFormat.period(consumption.period, language),
            "amountDue": due.formatted(language), "hasDue": due.cents > 0,
            "nextDue": nextDue.map { DisplayFormat.day($0, language) } ?? "",
            "overdue": !overdue.isEmpty, "overdueCount": overdue.count,
            "meters": meters,
            "outOfBundle": rating.usageCharges.formatted(language),
            "outOfBundleLines": rating.lines.filter { $0.amount.cents > 0 }.map { line in
                ["label": pages.localizer.text("class.\(line.chargeClass.rawValue)", language), "amount": line.amount.formatted(language)]
            },
            "hasOutOfBundle": rating.lines.contains { $0.amount.cents > 0 },
            "recentBills": unpaid.prefix(3).map { billRow($0, language) },
        ]
        values["chart"] = chart(history, language)
        values["creditNotice"] = try await creditNotice(try context.signedInIdentity(), language)
        return try pages.page("dashboard", titleKey: "dashboard.title", request: request, context: context, values: values)
            .response(from: request, context: context)
    }

    private func clientDashboard(_ identity: AuthenticatedUser, request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let query = request.uri.queryParameters
        let search = query.get("q") ?? ""
        let page = min(max(1, query.get("page", as: Int.self) ?? 1), 100_000)
        let (rows, total) = try await subscribers.balances(
            identity, search: search, offset: (page - 1) * Self.accountsPerPage, limit: Self.accountsPerPage)
        let groups = try await subscribers.groupBills(identity, period: nil)
        let clientRowID: Int64 = if case .client(let id) = identity.user.scope { id } else { 0 }
        let pageCount = max(1, (total + Self.accountsPerPage - 1) / Self.accountsPerPage)
        let values: [String: Any] = [
            "creditNotice": try await creditNotice(identity, language),
            "clientName": try await subscribers.customerName(identity, clientRowID: clientRowID),
            "accounts": try await accountRows(rows, language),
            "total": total, "search": search, "page": page, "pageCount": pageCount,
            "pageText": pages.localizer.text("list.page", language, ["page": "\(page)", "pages": "\(pageCount)", "total": "\(total)"]),
            "previous": page > 1 ? pageLink(search: search, page: page - 1) : false,
            "next": page < pageCount ? pageLink(search: search, page: page + 1) : false,
            "groups": groups.prefix(6).map { groupRow($0, language) }, "hasGroups": !groups.isEmpty,
        ]
        return try pages.page("client-dashboard", titleKey: "dashboard.title", request: request, context: context, values: values)
            .response(from: request, context: context)
    }

    /// The login's credit from payments that found their bills paid, said in words; false when there is none.
    private func creditNotice(_ identity: AuthenticatedUser, _ language: Language) async throws -> Any {
        let credit = try await subscribers.credit(identity)
        guard credit.cents > 0 else { return false }
        return pages.localizer.text("dashboard.credit", language, ["credit": credit.formatted(language), "helpline": subscribers.branding.helpline])
    }

    /// One row per account of a client's list: what it owes and this month's usage (only the page shown is rated).
    private func accountRows(_ rows: [AccountBalance], _ language: Language) async throws -> [[String: Any]] {
        var result: [[String: Any]] = []
        for row in rows {
            let rating = try await subscribers.consumption(of: row.account).rating
            let usage = [
                DisplayFormat.quantity(rating.voiceMinutes.used, unit: .minute, language),
                DisplayFormat.quantity(rating.sms.used, unit: .message, language),
                DisplayFormat.quantity(rating.dataBytes.used, unit: .byte, language),
            ].joined(separator: " · ")
            result.append([
                "accountId": row.account.account.id.rawValue, "accountIdGrouped": row.account.account.id.grouped,
                "msisdn": row.account.account.line.msisdn.formatted, "plan": row.account.account.line.planCode,
                "due": row.amountDue.formatted(language), "hasDue": row.amountDue.cents > 0,
                "nextDue": row.nextDueDate.map { DisplayFormat.day($0, language) } ?? "",
                "usage": usage, "outOfBundle": rating.usageCharges.formatted(language),
            ])
        }
        return result
    }

    private func usagePage(_ account: StoredAccount, request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let query = request.uri.queryParameters
        let consumption = try await subscribers.consumption(of: account)
        let kind = query.get("type").flatMap(UsageType.init(rawValue:))
        let from = query.get("from").flatMap { try? CalendarDay($0) }
        let to = query.get("to").flatMap { try? CalendarDay($0) }
        let filtered = consumption.rating.records.reversed().filter { usage in
            let day = CalendarDay(containing: usage.record.startedAt)
            return (kind == nil || usage.record.type == kind) && (from.map { day >= $0 } ?? true) && (to.map { day <= $0 } ?? true)
        }
        let page = min(max(1, query.get("page", as: Int.self) ?? 1), 100_000)
        let pageCount = max(1, (filtered.count + Self.recordsPerPage - 1) / Self.recordsPerPage)
        let shown = filtered.dropFirst((page - 1) * Self.recordsPerPage).prefix(Self.recordsPerPage)
        func link(_ page: Int) -> String {
            var items = [URLQueryItem(name: "page", value: String(page))]
            if let kind { items.append(URLQueryItem(name: "type", value: kind.rawValue)) }
            if let from { items.append(URLQueryItem(name: "from", value: from.description)) }
            if let to { items.append(URLQueryItem(name: "to", value: to.description)) }
            var components = URLComponents()
            components.queryItems = items
            return "/accounts/\(account.account.id.rawValue)/usage" + (components.string ?? "")
        }
        let values: [String: Any] = [
            "account": accountValues(account),
            "period": DisplayFormat.period(consumption.period, language),
            "records": shown.map { usage -> [String: Any] in
                [
                    "time": DisplayFormat.time(usage.record.startedAt, language),
                    "kind": pages.localizer.text("class.\(usage.chargeClass.rawValue)", language),
                    "destination": usage.record.destination ?? "",
                    // A template section shows for any string, even an empty one: no country must be `false`.
                    "roaming": usage.record.roamingCountry.map { $0 as Any } ?? false,
                    "amount": DisplayFormat.usageAmount(usage, language),
                    "bundle": usage.isFullyIncluded ? pages.localizer.text("usage.inBundle", language)
                        : (usage.includedQuantity > 0 ? pages.localizer.text("usage.partly", language) : pages.localizer.text("usage.charged", language)),
                    "charge": usage.charge.formatted(language),
                ]
            },
            "hasRecords": !shown.isEmpty,
            "recordCount": filtered.count,
            "totalCharges": consumption.rating.usageCharges.formatted(language),
            "filteredCharges": filtered.reduce(Money.zero) { $0 + $1.charge }.formatted(language),
            "types": UsageType.allCases.map { type -> [String: Any] in
                ["value": type.rawValue, "label": pages.localizer.text("usage.type.\(type.rawValue)", language), "selected": kind == type]
            },
            "from": from?.description ?? "", "to": to?.description ?? "",
            "pageText": pages.localizer.text("list.page", language, ["page": "\(page)", "pages": "\(pageCount)", "total": "\(filtered.count)"]),
            "previous": page > 1 ? link(page - 1) : false, "next": page < pageCount ? link(page + 1) : false,
        ]
        return try pages.page("usage", titleKey: "usage.title", request: request, context: context, values: values)
            .response(from: request, context: context)
    }

    private func billPage(_ bill: StoredBill, lines: [ChargeLine], request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        var values = billRow(bill, language)
        if let version = try await subscribers.planVersion(of: bill) {
            let sinceAlways = version.effectiveFrom == PlanRepository.sinceAlways
            values["planLine"] = pages.localizer.text(sinceAlways ? "bill.planFirstVersion" : "bill.planVersion", language, [
                "plan": version.plan.name, "version": "\(version.version)", "from": DisplayFormat.day(version.effectiveFrom, language),
            ])
        }
        values["fee"] = bill.monthlyFee.formatted(language)
        values["lines"] = lines.map { line -> [String: String] in
            [
                "label": pages.localizer.text("class.\(line.chargeClass.rawValue)", language),
                "quantity": DisplayFormat.quantity(line.quantity, unit: line.chargeClass.unit, language),
                "included": DisplayFormat.quantity(line.includedQuantity, unit: line.chargeClass.unit, language),
                "amount": line.amount.formatted(language),
            ]
        }
        values["excl"] = bill.amountExcludingVAT.formatted(language)
        values["vat"] = bill.vat.formatted(language)
        values["paid"] = bill.paid.formatted(language)
        values["hasPaid"] = bill.paid.cents > 0
        values["billDate"] = DisplayFormat.day(bill.billDate, language)
        values["remainingPlain"] = bill.remaining.decimalString
        values["payKey"] = SecretTokens.random(bytes: 16)
        return try pages.page("bill", titleKey: "bill.title", request: request, context: context, values: ["bill": values])
            .response(from: request, context: context)
    }

    // MARK: - View values

    private func visibleAccount(_ context: AppRequestContext, _ identity: AuthenticatedUser) async throws -> StoredAccount {
        guard let account = try await subscribers.account(try context.parameters.require("accountId"), for: identity) else {
            throw HTTPError(.notFound)
        }
        return account
    }

    private func format(_ request: Request) throws -> DocumentResponse.Format {
        guard let format = DocumentResponse.Format(rawValue: request.uri.queryParameters.get("format") ?? "pdf") else {
            throw HTTPError(.badRequest, message: "format must be pdf or csv")
        }
        return format
    }

    private func accountValues(_ account: StoredAccount) -> [String: String] {
        ["accountId": account.account.id.rawValue, "accountIdGrouped": account.account.id.grouped,
         "msisdn": account.account.line.msisdn.formatted, "plan": account.account.line.planCode]
    }

    private func billRow(_ bill: StoredBill, _ language: Language) -> [String: Any] {
        [
            "billNo": bill.billNo, "period": DisplayFormat.period(bill.period, language), "accountId": bill.accountID,
            "accountIdGrouped": (try? AccountID(bill.accountID))?.grouped ?? bill.accountID,
            "total": bill.total.formatted(language), "remaining": bill.remaining.formatted(language),
            "dueDate": DisplayFormat.day(bill.dueDate, language), "state": pages.localizer.text("state.\(bill.state.rawValue)", language),
            "stateCode": bill.state.rawValue, "isSettled": bill.state == .settled,
        ]
    }

    private func groupRow(_ group: StoredGroupBill, _ language: Language) -> [String: Any] {
        [
            "number": group.groupBillNo, "period": DisplayFormat.period(group.period, language), "accounts": group.accountCount,
            "total": group.total.formatted(language), "remaining": group.remaining.formatted(language),
            "dueDate": DisplayFormat.day(group.dueDate, language), "billDate": DisplayFormat.day(group.billDate, language),
            "state": pages.localizer.text("state.\(group.state.rawValue)", language), "stateCode": group.state.rawValue,
        ]
    }

    private func meter(_ kind: String, used: Int64, allowance: Int64, unit: UsageUnit, _ language: Language) -> [String: Any] {
        let percent = allowance > 0 ? min(100, Int(used * 100 / allowance)) : (used > 0 ? 100 : 0)
        return [
            "label": pages.localizer.text("usage.type.\(kind)", language),
            "used": DisplayFormat.quantity(used, unit: unit, language),
            "allowance": DisplayFormat.quantity(allowance, unit: unit, language),
            "remaining": DisplayFormat.quantity(max(0, allowance - used), unit: unit, language),
            "percent": percent, "full": percent >= 100, "high": percent >= 80,
        ]
    }

    /// Bars of the last bills as SVG geometry (drawn server-side) with a text alternative.
    private func chart(_ history: [(period: String, total: Money)], _ language: Language) -> [String: Any] {
        let maximum = max(history.map(\.total.cents).max() ?? 1, 1)
        let barWidth = 36
        let bars = history.enumerated().map { index, item -> [String: Any] in
            let height = max(2, Int(item.total.cents * 120 / maximum))
            return [
                "x": 20 + index * (barWidth + 18), "y": 140 - height, "height": height, "width": barWidth,
                "labelX": 20 + index * (barWidth + 18) + barWidth / 2, "label": DisplayFormat.shortPeriod(item.period, language),
                "valueY": 134 - height, "value": String(item.total.cents / 100),
                "period": DisplayFormat.period(item.period, language), "total": item.total.formatted(language),
            ]
        }
        let description = history.map { "\(DisplayFormat.period($0.period, language)): \($0.total.formatted(language))" }.joined(separator: "; ")
        return ["bars": bars, "hasBars": !history.isEmpty, "width": 40 + history.count * (barWidth + 18), "description": description]
    }

    private func pageLink(search: String, page: Int) -> String {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "q", value: search), URLQueryItem(name: "page", value: String(page))]
        return "/account" + (components.string ?? "")
    }
}
