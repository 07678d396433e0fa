import Foundation
import SelfCareCore
import SelfCareStore

extension BillService {
    /// Each bill next to its line's previous bill, by bill number, read from the bills as issued (their charge lines, plan
    /// versions and, when `countries`, the roaming countries of their frozen records) — never re-rated.
    package func changes(of views: [BillView], countries: Bool) async throws -> [String: BillChanges] {
        let bills = views.map(\.row)
        guard !bills.isEmpty else { return [:] }
        return try await database.read { db in
            let queries = BillQueries()
            var previous: [Int64: StoredBill] = [:]
            for (period, members) in Dictionary(grouping: bills, by: \.period) {
                previous.merge(try await queries.previousBills(accountRowIDs: members.map(\.accountRowID), before: period, on: db)) { $1 }
            }
            let all = bills + Array(previous.values)
            let lines = try await queries.lines(billIDs: all.map(\.id), on: db)
            var versions: [Int64: StoredPlanVersion] = [:]
            for id in Set(all.compactMap(\.planVersionID)) {
                versions[id] = try await PlanRepository().version(id: id, on: db)
            }
            let accounts = Dictionary(uniqueKeysWithValues: try await CustomerRepository().accounts(rowIDs: bills.map(\.accountRowID), on: db)
                .map { ($0.id, $0) })
            func facts(_ bill: StoredBill) async throws -> BillFacts? {
                guard let account = accounts[bill.accountRowID], let period = try? BillingPeriod(bill.period) else { return nil }
                let version = bill.planVersionID.flatMap { versions[$0] }
                var roaming: Set<String> = []
                if countries, let records = try await BillingRepository().billUsage(billID: bill.id, msisdn: account.account.line.msisdn, on: db) {
                    roaming = Set(records.compactMap(\.record.roamingCountry))
                }
                return BillFacts(
                    period: period, total: bill.total, monthlyFee: bill.monthlyFee,
                    charges: Dictionary((lines[bill.id] ?? []).map { ($0.chargeClass, $0.amount) }, uniquingKeysWith: +),
                    planName: version?.plan.name ?? bill.planCode, planVersion: version?.version, roamingCountries: roaming,
                    activatedOn: account.account.line.activatedOn)
            }
            var result: [String: BillChanges] = [:]
            for bill in bills {
                guard let current = try await facts(bill) else { continue }
                let before = try await previous[bill.accountRowID].asyncMap(facts) ?? nil
                result[bill.billNo] = BillChanges.between(current, previous: before)
            }
            return result
        }
    }
}

extension Optional {
    /// The wrapped value transformed by an async function, or nil.
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
