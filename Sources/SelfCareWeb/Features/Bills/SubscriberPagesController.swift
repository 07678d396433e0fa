import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices

/// What a logged-in subscriber came for: the dashboard, current consumption, bills, group bills and documents.
struct SubscriberPagesController {
    let pages: PageRenderer
    let accounts: AccountService
    let bills: BillService
    let usage: UsageService
    let documents: DocumentService
    let branding: Branding
    let clock: any WallClock

    static let accountsPerPage = 20
    static let recordsPerPage = 50
    static let membersPerPage = 50

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/account", use: ownDashboard)
        router.get("/accounts/{accountId}", use: accountDashboard)
        router.get("/accounts/{accountId}/usage", use: usage)
        router.get("/accounts/{accountId}/bills", use: bills)
        router.get("/bills/{billNo}", use: bill)
        router.get("/bills/{billNo}/document", use: billDocument)
        router.get("/group-bills", use: groupBills)
        router.get("/group-bills/{number}", use: groupBill)
        router.get("/group-bills/{number}/document", use: groupBillDocument)
    }

    // MARK: - Routes

    /// The login's own line's dashboard, or a client's list of accounts.
    @Sendable func ownDashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        if let account = try await accounts.ownAccount(identity) {
            return try await dashboard(account, request: request, context: context)
        }
        return try await clientDashboard(identity, request: request, context: context)
    }

    @Sendable func accountDashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let account = try await accounts.visibleAccount(context, identity)
        return try await dashboard(account, request: request, context: context)
    }

    @Sendable func usage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let account = try await accounts.visibleAccount(context, identity)
        return try await usagePage(account, request: request, context: context)
    }

    @Sendable func bills(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let account = try await accounts.visibleAccount(context, identity)
        let bills = try await self.bills.bills(identity, account: account, state: nil, offset: 0, limit: 60)
        let model = BillsPage(
            account: AccountSummary(account), bills: bills.map { BillRow($0, context.language, pages.localizer, today: today) },
            hasBills: !bills.isEmpty, payKey: SecretTokens.random(bytes: 16))
        return try pages.page("bills", titleKey: "bills.title", request: request, context: context, model: model)
            .response(from: request, context: context)
    }

    @Sendable func bill(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        guard let (bill, lines) = try await self.bills.bill(try context.parameters.require("billNo"), for: identity) else {
            throw HTTPError(.notFound)
        }
        return try await billPage(bill, lines: lines, request: request, context: context)
    }

    @Sendable func billDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        guard let document = try await documents.bill(
            try context.parameters.require("billNo"), format: try format(request), language: context.language, for: identity)
        else { throw HTTPError(.notFound) }
        return DocumentResponse.make(document)
    }

    @Sendable func groupBills(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let groups = try await self.bills.groupBills(identity, period: nil)
        let model = GroupBillsPage(groups: groups.map { GroupRow($0, context.language, pages.localizer, today: today) }, hasGroups: !groups.isEmpty)
        return try pages.page("group-bills", titleKey: "groupBills.title", request: request, context: context, model: model)
            .response(from: request, context: context)
    }

    @Sendable func groupBill(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let number = try context.parameters.require("number")
        let query = request.uri.queryParameters
        let search = String(query.formText("q").prefix(40))
        let order = query.get("sort").flatMap(GroupMemberOrder.init(rawValue:)) ?? .change
        let page = min(max(1, query.get("page", as: Int.self) ?? 1), 100_000)
        guard let found = try await self.bills.groupBillMembers(
            number, for: identity, search: search, order: order, offset: (page - 1) * Self.membersPerPage, limit: Self.membersPerPage)
        else { throw HTTPError(.notFound) }
        let language = context.language
        let localizer = pages.localizer
        let group = found.group
        let pageCount = max(1, (found.matching + Self.membersPerPage - 1) / Self.membersPerPage)
        func link(_ page: Int) -> String {
            var components = URLComponents()
            components.queryItems = [URLQueryItem(name: "q", value: search), URLQueryItem(name: "sort", value: order.rawValue),
                                     URLQueryItem(name: "page", value: String(page))]
            return "/group-bills/\(group.groupBillNo)" + (components.string ?? "") + "#members"
        }
        let model = GroupBillPage(
            group: GroupRow(group, language, localizer, today: today),
            overdue: overdueSentence(group, language),
            comparison: found.previousTotal.map { previous in
                localizer.text("groupBills.comparison", language, [
                    "previous": previous.formatted(language), "difference": ChangesSummary.signed(group.total - previous, language),
                ])
            },
            excl: found.amountExcludingVAT.formatted(language), vat: found.vat.formatted(language),
            members: found.members.map {
                GroupMemberRow(BillRow($0.bill, language, localizer, today: today), changes: $0.changes, language, localizer)
            },
            hasMembers: !found.members.isEmpty, search: search,
            orders: GroupMemberOrder.allCases.map {
                OrderOption(value: $0.rawValue, label: localizer.text("groupBills.order.\($0.rawValue)", language), selected: $0 == order)
            },
            pageText: localizer.text("list.page", language, ["page": "\(page)", "pages": "\(pageCount)", "total": "\(found.matching)"]),
            previous: page > 1 ? link(page - 1) : nil, next: page < pageCount ? link(page + 1) : nil,
            hasRemaining: group.remaining.cents > 0, remainingPlain: group.remaining.decimalString, payKey: SecretTokens.random(bytes: 16))
        return try pages.page("group-bill", titleKey: "groupBills.one", request: request, context: context, model: model)
            .response(from: request, context: context)
    }

    @Sendable func groupBillDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        guard let document = try await documents.groupBill(
            try context.parameters.require("number"), format: try format(request), language: context.language, for: identity)
        else { throw HTTPError(.notFound) }
        return DocumentResponse.make(document)
    }

    // MARK: - Pages

    private func dashboard(_ account: AccountView, request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let localizer = pages.localizer
        let identity = try context.signedInIdentity()
        let consumption = try await usage.consumption(of: account)
        let unpaid = try await self.bills.bills(identity, account: account, state: nil, offset: 0, limit: 24)
            .filter { $0.state != .settled }
        let due = unpaid.reduce(Money.zero) { $0 + $1.remaining }
        let today = CalendarDay(containing: clock.now())
        let overdue = unpaid.filter { (try? CalendarDay($0.dueDate)).map { $0 < today } ?? false }
        let nextDue = unpaid.map(\.dueDate).min()
        let history = try await self.bills.history(of: account, count: 6)
        let rating = consumption.rating
        let model = DashboardPage(
            account: AccountSummary(account), planName: consumption.plan.name,
            period: DisplayFormat.period(consumption.period, language),
            amountDue: due.formatted(language), hasDue: due.cents > 0,
            nextDue: nextDue.map { DisplayFormat.day($0, language) } ?? "", overdue: !overdue.isEmpty,
            meters: [
                UsageMeter("voice", used: rating.voiceMinutes.used, allowance: rating.voiceMinutes.allowance, unit: .minute, language, localizer),
                UsageMeter("sms", used: rating.sms.used, allowance: rating.sms.allowance, unit: .message, language, localizer),
                UsageMeter("data", used: rating.dataBytes.used, allowance: rating.dataBytes.allowance, unit: .byte, language, localizer),
            ],
            outOfBundle: rating.usageCharges.formatted(language),
            outOfBundleLines: rating.lines.filter { $0.amount.cents > 0 }.map { line in
                AmountLine(label: localizer.text("class.\(line.chargeClass.rawValue)", language), amount: line.amount.formatted(language))
            },
            hasOutOfBundle: rating.lines.contains { $0.amount.cents > 0 },
            chart: BillChart(history, language),
            forecast: ForecastSummary(
                amount: usage.forecast(consumption).formatted(language),
                method: localizer.text("dashboard.forecastMethod", language, forecastValues(consumption.period, [
                    "fee": consumption.plan.monthlyFee.formatted(language), "charged": rating.usageCharges.formatted(language),
                ]))),
            creditNotice: try await creditNotice(identity, language))
        return try pages.page("dashboard", titleKey: "dashboard.title", request: request, context: context, model: model)
            .response(from: request, context: context)
    }

    private func clientDashboard(_ identity: AuthenticatedUser, request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let query = request.uri.queryParameters
        let search = query.formText("q")
        let page = min(max(1, query.get("page", as: Int.self) ?? 1), 100_000)
        let (rows, total) = try await accounts.balances(
            identity, search: search, offset: (page - 1) * Self.accountsPerPage, limit: Self.accountsPerPage)
        let groups = try await self.bills.groupBills(identity, period: nil)
        let pageCount = max(1, (total + Self.accountsPerPage - 1) / Self.accountsPerPage)
        let model = ClientDashboardPage(
            clientName: try await accounts.customerName(identity),
            overdue: groups.lazy.compactMap { group in
                overdueSentence(group, language).map {
                    OverdueNotice(text: $0, link: "/group-bills/\(group.groupBillNo)", linkText: pages.localizer.text("groupBills.payIt", language))
                }
            }.first,
            creditNotice: try await creditNotice(identity, language),
            forecast: try await usage.groupForecast(identity).map { forecast in
                ForecastSummary(
                    amount: forecast.total.formatted(language),
                    method: pages.localizer.text("dashboard.groupForecastMethod", language, forecastValues(
                        BillingPeriod(containing: clock.now()),
                        ["lines": "\(forecast.lines)", "charged": forecast.charged.formatted(language)])))
            },
            groups: groups.prefix(6).map { GroupRow($0, language, pages.localizer, today: today) }, hasGroups: !groups.isEmpty,
            accounts: try await accountRows(rows, language),
            total: total, search: search,
            pageText: pages.localizer.text("list.page", language, ["page": "\(page)", "pages": "\(pageCount)", "total": "\(total)"]),
            previous: page > 1 ? pageLink(search: search, page: page - 1) : nil,
            next: page < pageCount ? pageLink(search: search, page: page + 1) : nil)
        return try pages.page("client-dashboard", titleKey: "dashboard.title", request: request, context: context, model: model)
            .response(from: request, context: context)
    }

    /// The login's credit from payments that found their bills paid, said in words; nil when there is none.
    private func creditNotice(_ identity: AuthenticatedUser, _ language: Language) async throws -> String? {
        let credit = try await accounts.credit(identity)
        guard credit.cents > 0 else { return nil }
        return pages.localizer.text("dashboard.credit", language, ["credit": credit.formatted(language), "helpline": branding.helpline])
    }

    /// One row per account of a client's list: what it owes and this month's usage (only the page shown is rated).
    private func accountRows(_ rows: [BalanceView], _ language: Language) async throws -> [AccountRow] {
        var result: [AccountRow] = []
        for row in rows {
            let consumption = try await usage.consumption(of: row.account)
            let rating = consumption.rating
            let usage = [
                DisplayFormat.quantity(rating.voiceMinutes.used, unit: .minute, language),
                DisplayFormat.quantity(rating.sms.used, unit: .message, language),
                DisplayFormat.quantity(rating.dataBytes.used, unit: .byte, language),
            ].joined(separator: " · ")
            result.append(AccountRow(
                accountId: row.account.account.id.rawValue, accountIdGrouped: row.account.account.id.grouped,
                msisdn: row.account.account.line.msisdn.formatted, plan: consumption.plan.name,
                due: row.amountDue.formatted(language), nextDue: row.nextDueDate.map { DisplayFormat.day($0, language) } ?? "",
                usage: usage, outOfBundle: rating.usageCharges.formatted(language)))
        }
        return result
    }

    private func usagePage(_ account: AccountView, request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let localizer = pages.localizer
        let query = request.uri.queryParameters
        let consumption = try await usage.consumption(of: account)
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
        let model = UsagePage(
            account: AccountSummary(account),
            period: DisplayFormat.period(consumption.period, language),
            totalCharges: consumption.rating.usageCharges.formatted(language),
            filteredCharges: filtered.reduce(Money.zero) { $0 + $1.charge }.formatted(language),
            types: UsageType.allCases.map { type in
                UsageTypeOption(value: type.rawValue, label: localizer.text("usage.type.\(type.rawValue)", language), selected: kind == type)
            },
            from: from?.description ?? "", to: to?.description ?? "",
            records: shown.map { usage in
                UsageRecordRow(
                    time: DisplayFormat.time(usage.record.startedAt, language),
                    kind: localizer.text("class.\(usage.chargeClass.rawValue)", language),
                    destination: usage.record.destination ?? "",
                    roaming: usage.record.roamingCountry.map { DisplayFormat.country($0, language) },
                    amount: DisplayFormat.usageAmount(usage, language),
                    bundle: usage.isFullyIncluded ? localizer.text("usage.inBundle", language)
                        : (usage.includedQuantity > 0 ? localizer.text("usage.partly", language) : localizer.text("usage.charged", language)),
                    bundleUse: usage.bundleUse.pageClass,
                    charge: usage.charge.formatted(language))
            },
            hasRecords: !shown.isEmpty,
            pageText: localizer.text("list.page", language, ["page": "\(page)", "pages": "\(pageCount)", "total": "\(filtered.count)"]),
            previous: page > 1 ? link(page - 1) : nil, next: page < pageCount ? link(page + 1) : nil)
        return try pages.page("usage", titleKey: "usage.title", request: request, context: context, model: model)
            .response(from: request, context: context)
    }

    private func billPage(_ bill: BillView, lines: [ChargeLine], request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let planLine = try await self.bills.planVersion(of: bill).map { version in
            return pages.localizer.text(version.isFirst ? "bill.planFirstVersion" : "bill.planVersion", language, [
                "plan": version.plan.name, "version": "\(version.version)", "from": DisplayFormat.day(version.effectiveFrom, language),
            ])
        }
        let model = BillPage(
            bill: BillRow(bill, language, pages.localizer, today: today), planLine: planLine, fee: bill.monthlyFee.formatted(language),
            lines: lines.map { ChargeRow($0, language, pages.localizer) },
            excl: bill.amountExcludingVAT.formatted(language), vat: bill.vat.formatted(language),
            paid: bill.paid.formatted(language), hasPaid: bill.paid.cents > 0, billDate: DisplayFormat.day(bill.billDate, language),
            remainingPlain: bill.remaining.decimalString, payKey: SecretTokens.random(bytes: 16),
            changes: try await self.bills.changes(of: [bill], countries: true)[bill.billNo].map { ChangesSummary($0, language, pages.localizer) })
        return try pages.page("bill", titleKey: "bill.title", request: request, context: context, model: model)
            .response(from: request, context: context)
    }

    // MARK: - Helpers

    /// "This group bill was due on …: … is still to pay", for a group bill past its due date; nil otherwise.
    private func overdueSentence(_ group: GroupBillView, _ language: Language) -> String? {
        guard BillRow.shownState(group.state, dueDate: group.dueDate, today: today) == "overdue" else { return nil }
        return pages.localizer.text("groupBills.overdue", language, [
            "due": DisplayFormat.day(group.dueDate, language), "remaining": group.remaining.formatted(language),
        ])
    }

    /// The day in Mauritius by the portal's clock.
    private var today: CalendarDay { CalendarDay(containing: clock.now()) }

    /// `values` with the days of `period` and the days of it elapsed today, as the forecast's sentence names them.
    private func forecastValues(_ period: BillingPeriod, _ values: [String: String]) -> [String: String] {
        let elapsed = BillForecast.daysElapsed(in: period, today: today)
        return values.merging(["days": "\(period.lastDay.day)", "elapsed": "\(elapsed)"]) { first, _ in first }
    }

    private func format(_ request: Request) throws -> DocumentFormat {
        guard let format = DocumentFormat(rawValue: request.uri.queryParameters.get("format") ?? "pdf") else {
            throw HTTPError(.badRequest, message: "format must be pdf or csv")
        }
        return format
    }

    private func pageLink(search: String, page: Int) -> String {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "q", value: search), URLQueryItem(name: "page", value: String(page))]
        return "/account" + (components.string ?? "")
    }
}
