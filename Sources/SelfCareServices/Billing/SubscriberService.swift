import Foundation
import SelfCareCore
import SelfCareDocuments
import SelfCareStore

/// What a logged-in subscriber reads: accounts, current consumption, bills, group bills and their documents.
/// Every lookup is scoped by the login; what lies outside is "not found" and leaves an audit event.
package struct SubscriberService: Sendable {
    let database: Database
    package let clock: any WallClock
    package let branding: Branding
    let publicURL: String
    private let queries = BillQueries()

    /// Current consumption of one line: the open period rated with the same function as the bill run.
    package struct Consumption: Sendable {
        package var period: BillingPeriod
        package var plan: TariffPlan
        package var rating: LineRating
    }

    /// The account `accountID` if the login may see it; otherwise nil, audited.
    package func account(_ text: String, for identity: AuthenticatedUser) async throws -> StoredAccount? {
        guard let accountID = try? AccountID(text) else {
            try await denied(identity, "account \(text)")
            return nil
        }
        let scope = identity.user.scope
        let account = try await database.read { db in try await BillQueries().account(accountID, scope: scope, on: db) }
        if account == nil { try await denied(identity, "account \(accountID)") }
        return account
    }

    /// The login's own account for an Account ID login; nil for a client login.
    package func ownAccount(_ identity: AuthenticatedUser) async throws -> StoredAccount? {
        guard case .account(let rowID) = identity.user.scope else { return nil }
        return try await database.read { db in try await CustomerRepository().account(rowID: rowID, on: db) }
    }

    package func balances(_ identity: AuthenticatedUser, search: String, offset: Int, limit: Int) async throws -> (rows: [AccountBalance], total: Int) {
        let scope = identity.user.scope
        return try await database.read { db in
            try await BillQueries().balances(scope: scope, search: search, offset: offset, limit: limit, on: db)
        }
    }

    /// The open period's consumption of an account the caller already may see, rated with the version of its plan
    /// in force on the period's first day (the one the bill run will use).
    package func consumption(of account: StoredAccount) async throws -> Consumption {
        let period = BillingPeriod(containing: clock.now())
        let code = account.account.line.planCode
        let (version, records) = try await database.read { db in
            (try await PlanRepository().version(code: code, inForceOn: period.firstDay, on: db),
             try await UsageRepository().records(accountRowID: account.id, msisdn: account.account.line.msisdn, period: period, on: db))
        }
        guard let plan = version?.plan else { throw SubscriberError.unknownPlan(code) }
        return Consumption(period: period, plan: plan, rating: UsageRater.rate(records, plan: plan))
    }

    /// The bill `consumption`'s period is heading for (CONTRACT §9 `forecast`): the fee plus out-of-bundle charges so far
    /// projected over the period from the days elapsed, with VAT.
    package func forecast(_ consumption: Consumption) -> Money {
        BillForecast.total(monthlyFee: consumption.plan.monthlyFee, usageCharges: consumption.rating.usageCharges,
                           period: consumption.period, today: CalendarDay(containing: clock.now()))
    }

    /// A period's rated records of an account: as its bill froze them once billed, else rated now with the version of
    /// its plan in force on the period's first day.
    package func ratedRecords(of account: StoredAccount, period: BillingPeriod) async throws -> [RatedUsage] {
        let msisdn = account.account.line.msisdn
        let code = account.account.line.planCode
        let (frozen, version, records) = try await database.read { db -> ([RatedUsage]?, StoredPlanVersion?, [UsageRecord]) in
            let usage = UsageRepository()
            if let billID = try await BillQueries().billID(accountRowID: account.id, period: period, on: db),
               let frozen = try await BillingRepository().billUsage(billID: billID, msisdn: msisdn, on: db) {
                return (frozen, nil, [])
            }
            return (nil, try await PlanRepository().version(code: code, inForceOn: period.firstDay, on: db),
                    try await usage.records(accountRowID: account.id, msisdn: msisdn, period: period, on: db))
        }
        if let frozen { return frozen }
        guard let plan = version?.plan else { throw SubscriberError.unknownPlan(code) }
        return UsageRater.rate(records, plan: plan).records
    }

    /// A billed period's records of an account as its bill froze them.
    func billedRecords(of account: StoredAccount, bill: StoredBill) async throws -> [RatedUsage] {
        let msisdn = account.account.line.msisdn
        guard let frozen = try await database.read({ db in try await BillingRepository().billUsage(billID: bill.id, msisdn: msisdn, on: db) })
        else { throw SubscriberError.notFrozen(bill.billNo) }
        return frozen
    }

    /// The plan version a bill was issued with.
    package func planVersion(of bill: StoredBill) async throws -> StoredPlanVersion? {
        guard let id = bill.planVersionID else { return nil }
        return try await database.read { db in try await PlanRepository().version(id: id, on: db) }
    }

    package func bills(_ identity: AuthenticatedUser, account: StoredAccount?, state: BillState?, offset: Int, limit: Int) async throws -> [StoredBill] {
        let scope = identity.user.scope
        return try await database.read { db in
            try await BillQueries().bills(scope: scope, accountRowID: account?.id, state: state, offset: offset, limit: limit, on: db)
        }
    }

    package func history(of account: StoredAccount, count: Int) async throws -> [(period: String, total: Money)] {
        try await database.read { db in try await BillQueries().history(accountRowID: account.id, count: count, on: db) }
    }

    /// A bill with its usage lines, if the login may see it.
    package func bill(_ number: String, for identity: AuthenticatedUser) async throws -> (bill: StoredBill, lines: [ChargeLine])? {
        let scope = identity.user.scope
        let found = try await database.read { db -> (StoredBill, [ChargeLine])? in
            guard let bill = try await BillQueries().bill(number: number, scope: scope, on: db) else { return nil }
            return (bill, try await BillQueries().lines(billID: bill.id, on: db))
        }
        if found == nil { try await denied(identity, "bill \(number)") }
        return found
    }

    package func groupBills(_ identity: AuthenticatedUser, period: String?) async throws -> [StoredGroupBill] {
        let scope = identity.user.scope
        return try await database.read { db in try await BillQueries().groupBills(scope: scope, period: period, on: db) }
    }

    /// A group bill with its member bills, if the login is its client's.
    package func groupBill(_ number: String, for identity: AuthenticatedUser) async throws -> (group: StoredGroupBill, members: [StoredBill])? {
        let scope = identity.user.scope
        let found = try await database.read { db -> (StoredGroupBill, [StoredBill])? in
            guard let group = try await BillQueries().groupBill(number: number, scope: scope, on: db) else { return nil }
            return (group, try await BillQueries().members(groupBillID: group.id, on: db))
        }
        if found == nil { try await denied(identity, "group bill \(number)") }
        return found
    }

    /// The client's name for a login.
    package func customerName(_ identity: AuthenticatedUser, clientRowID: Int64) async throws -> String {
        try await database.read { db in try await CustomerRepository().client(rowID: clientRowID, on: db)?.client.name } ?? identity.user.fullName
    }

    /// The printable document of a bill, and its records account by account.
    package func document(for bill: StoredBill, lines: [ChargeLine], identity: AuthenticatedUser) async throws -> (BillDocument, ItemisedRecords) {
        let (account, client) = try await database.read { db in
            (try await CustomerRepository().account(rowID: bill.accountRowID, on: db),
             try await CustomerRepository().client(rowID: bill.clientRowID, on: db))
        }
        let version = try await planVersion(of: bill)
        guard let account, let period = try? BillingPeriod(bill.period) else { throw SubscriberError.inconsistent(bill.billNo) }
        let document = BillDocument(
            operatorName: branding.operatorName, helpline: branding.helpline, portalURL: publicURL, isGroupBill: false, billNo: bill.billNo,
            period: period, billDate: try CalendarDay(bill.billDate), dueDate: try CalendarDay(bill.dueDate),
            customerName: client?.client.name ?? identity.user.fullName, accountID: account.account.id, msisdn: account.account.line.msisdn,
            planName: version?.plan.name ?? bill.planCode,
            planVersion: version.map {
                BillDocument.PlanVersion(number: $0.version, effectiveFrom: $0.effectiveFrom == PlanRepository.sinceAlways ? nil : $0.effectiveFrom)
            }, clientReference: bill.clientRef, monthlyFee: bill.monthlyFee, lines: lines,
            amountExcludingVAT: bill.amountExcludingVAT, vat: bill.vat, total: bill.total, paid: bill.paid, members: [])
        let service = self
        let records: ItemisedRecords = { each in
            let rated = try await service.billedRecords(of: account, bill: bill)
            try await each(account.account.id, account.account.line.msisdn, rated)
        }
        return (document, records)
    }

    /// The printable document of a group bill; its records are read and rated one member account at a time.
    package func document(for group: StoredGroupBill, members: [StoredBill], identity: AuthenticatedUser) async throws -> (BillDocument, ItemisedRecords) {
        let clientName = try await customerName(identity, clientRowID: group.clientRowID)
        let accounts = try await database.read { db in try await CustomerRepository().accounts(ofClient: group.clientRowID, on: db) }
        let byRow = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0) })
        guard let period = try? BillingPeriod(group.period) else { throw SubscriberError.inconsistent(group.groupBillNo) }
        let memberRows: [BillDocument.Member] = members.compactMap { bill in
            byRow[bill.accountRowID].map { BillDocument.Member(accountID: $0.account.id, msisdn: $0.account.line.msisdn, billNo: bill.billNo, total: bill.total) }
        }
        let document = BillDocument(
            operatorName: branding.operatorName, helpline: branding.helpline, portalURL: publicURL, isGroupBill: true,
            billNo: group.groupBillNo, period: period, billDate: try CalendarDay(group.billDate), dueDate: try CalendarDay(group.dueDate),
            customerName: clientName, accountID: nil, msisdn: nil, planName: nil, planVersion: nil, clientReference: group.clientRef,
            monthlyFee: members.reduce(.zero) { $0 + $1.monthlyFee }, lines: [],
            amountExcludingVAT: members.reduce(.zero) { $0 + $1.amountExcludingVAT }, vat: members.reduce(.zero) { $0 + $1.vat },
            total: group.total, paid: group.paid, members: memberRows)
        let service = self
        let records: ItemisedRecords = { each in
            for bill in members {
                guard let account = byRow[bill.accountRowID] else { continue }
                let rated = try await service.billedRecords(of: account, bill: bill)
                try await each(account.account.id, account.account.line.msisdn, rated)
            }
        }
        return (document, records)
    }

    /// True when the account has a bill for the period (its records are billed).
    package func isBilled(_ account: StoredAccount, period: BillingPeriod) async throws -> Bool {
        try await database.read { db in try await BillQueries().hasBill(accountRowID: account.id, period: period, on: db) }
    }

    /// The SMS and e-mails the operator sent the login, newest first (`limit` + 1 asked tells whether a page follows).
    package func notifications(_ identity: AuthenticatedUser, offset: Int, limit: Int) async throws -> [OutboxMessage] {
        try await database.read { db in
            let number = try await IdentityDirectory.numberOnFile(identity.user.scope, on: db)
            let (account, client): (Int64?, Int64?) = switch identity.user.scope {
            case .account(let rowID): (rowID, nil)
            case .client(let rowID): (nil, rowID)
            }
            return try await OutboxRepository().notifications(
                userID: identity.user.id, accountRowID: account, clientRowID: client, numberOnFile: number?.e164,
                limit: limit, offset: offset, on: db)
        }
    }

    /// Leaves an `accessDenied` audit event for a refused request.
    package func recordDenied(_ identity: AuthenticatedUser, _ what: String) async throws {
        try await denied(identity, what)
    }

    private func denied(_ identity: AuthenticatedUser, _ what: String) async throws {
        let now = clock.now()
        try await database.transaction { db in
            try await AuditRepository().record(AuditEvent(action: .accessDenied, userID: identity.user.id, detail: what, occurredAt: now), on: db)
        }
    }

    /// What the login holds as credit from payments that found their bills already paid.
    package func credit(_ identity: AuthenticatedUser) async throws -> Money {
        try await database.read { db in try await PaymentRepository().totalCredit(userID: identity.user.id, on: db) }
    }

    /// The most periods one usage query may span.
    package static let maximumUsagePeriods = 13

    /// One page of a line's records from `from` to `to` (whole days), newest first, each with its charge and whether it
    /// was billed, and how many there are in all. The page is chosen in SQL; only the periods it touches are rated.
    package func usagePage(
        of account: StoredAccount, from: CalendarDay, to: CalendarDay, offset: Int, limit: Int
    ) async throws -> (records: [(usage: RatedUsage, billed: Bool)], total: Int) {
        var periods: [BillingPeriod] = []
        var period = from.period
        while period <= to.period && periods.count < Self.maximumUsagePeriods {
            periods.append(period)
            period = period.next
        }
        let (start, end, spanned) = (from.start, to.adding(days: 1).start, periods)
        let msisdn = account.account.line.msisdn
        let (page, total) = try await database.read { db in
            let repository = UsageRepository()
            return (try await repository.page(accountRowID: account.id, msisdn: msisdn, periods: spanned, from: start, to: end,
                                              offset: offset, limit: limit, on: db),
                    try await repository.count(accountRowID: account.id, periods: spanned, from: start, to: end, on: db))
        }
        var rated: [String: (usage: RatedUsage, billed: Bool)] = [:]
        for period in Set(page.map(\.period)) {
            let billed = try await isBilled(account, period: period)
            for usage in try await ratedRecords(of: account, period: period) { rated[usage.record.recordID] = (usage, billed) }
        }
        return (page.compactMap { rated[$0.recordID] }, total)
    }
}

package enum SubscriberError: Error, CustomStringConvertible {
    case unknownPlan(String)
    case inconsistent(String)
    case notFrozen(String)

    package var description: String {
        switch self {
        case .unknownPlan(let code): "plan \(code) is missing"
        case .inconsistent(let number): "bill \(number) does not match its account"
        case .notFrozen(let number): "bill \(number) has records without the rating its bill run stored"
        }
    }

}
