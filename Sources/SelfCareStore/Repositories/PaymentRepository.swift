import Foundation
import SelfCareCore
import SQLKit

/// A card payment as stored.
package struct StoredPayment: Sendable, Hashable {
    package enum Status: String, Sendable {
        case pending
        case succeeded
        case failed
        case canceled
    }

    package var id: String
    package var userID: Int64
    package var idempotencyKey: String
    package var requestDigest: String
    package var amount: Money
    package var status: Status
    package var gatewaySessionID: String?
    package var redirectURL: String?
    /// Where an API client wants the browser back after the card page.
    package var returnURL: String? = nil
    package var cardBrand: String?
    package var cardLast4: String?
    package var failureCode: String?
    package var createdAt: Date
    package var completedAt: Date?

    package init(
        id: String, userID: Int64, idempotencyKey: String, requestDigest: String, amount: Money, status: Status,
        gatewaySessionID: String? = nil, redirectURL: String? = nil, returnURL: String? = nil, cardBrand: String? = nil, cardLast4: String? = nil,
        failureCode: String? = nil, createdAt: Date, completedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.idempotencyKey = idempotencyKey
        self.requestDigest = requestDigest
        self.amount = amount
        self.status = status
        self.gatewaySessionID = gatewaySessionID
        self.redirectURL = redirectURL
        self.returnURL = returnURL
        self.cardBrand = cardBrand
        self.cardLast4 = cardLast4
        self.failureCode = failureCode
        self.createdAt = createdAt
        self.completedAt = completedAt
    }
}

/// What a payment is for: a bill or a group bill, and how much of it.
package struct PaymentItem: Sendable, Hashable {
    package enum Target: Sendable, Hashable {
        case bill(Int64)
        case groupBill(Int64)
    }

    package var target: Target
    package var amount: Money

    package init(target: Target, amount: Money) {
        self.target = target
        self.amount = amount
    }
}

/// A receipt as stored.
package struct StoredReceipt: Sendable, Hashable {
    package var number: String
    package var paymentID: String
    package var issuedAt: Date
    /// What the payment brought beyond what its bills still owed, kept as a credit of the payer.
    package var credit: Money?
}

/// Payments, their allocation to bills, receipts and the gateway events already processed.
package struct PaymentRepository: Sendable {
    package init() {}

    package func payment(userID: Int64, idempotencyKey: String, on db: any SQLDatabase) async throws -> StoredPayment? {
        try await db.raw("SELECT * FROM payments WHERE user_id = \(bind: userID) AND idempotency_key = \(bind: idempotencyKey)").first()
            .map(Self.payment(from:))
    }

    package func payment(id: String, on db: any SQLDatabase) async throws -> StoredPayment? {
        try await db.raw("SELECT * FROM payments WHERE id = \(bind: id)").first().map(Self.payment(from:))
    }

    /// The payment, locked until the end of the transaction on PostgreSQL (SQLite transactions already take turns).
    package func lockedPayment(id: String, on db: any SQLDatabase) async throws -> StoredPayment? {
        let lock = db.forUpdate
        return try await db.raw("SELECT * FROM payments WHERE id = \(bind: id)\(unsafeRaw: lock)").first().map(Self.payment(from:))
    }

    package func payment(gatewaySessionID: String, on db: any SQLDatabase) async throws -> StoredPayment? {
        try await db.raw("SELECT * FROM payments WHERE gateway_session_id = \(bind: gatewaySessionID)").first().map(Self.payment(from:))
    }

    /// Inserts a pending payment unless the user already used the key; returns false when the key was taken.
    package func insert(_ payment: StoredPayment, items: [PaymentItem], returnURL: String?, now: Date, on db: any SQLDatabase) async throws -> Bool {
        let inserted = try await db.raw("""
            INSERT INTO payments (id, user_id, idempotency_key, request_digest, amount_cents, currency, status, return_url, created_at, updated_at)
            VALUES (\(bind: payment.id), \(bind: payment.userID), \(bind: payment.idempotencyKey), \(bind: payment.requestDigest),
                \(bind: payment.amount.cents), 'MUR', 'pending', \(bind: returnURL), \(bind: now.storedSeconds), \(bind: now.storedSeconds))
            ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING id
            """).first() != nil
        guard inserted else { return false }
        for item in items {
            let (bill, group): (Int64?, Int64?) = switch item.target {
            case .bill(let id): (id, nil)
            case .groupBill(let id): (nil, id)
            }
            try await db.raw("""
                INSERT INTO payment_items (payment_id, bill_id, group_bill_id, amount_cents)
                VALUES (\(bind: payment.id), \(bind: bill), \(bind: group), \(bind: item.amount.cents))
                """).run()
        }
        return true
    }

    package func attachCheckout(paymentID: String, sessionID: String, redirectURL: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE payments SET gateway_session_id = \(bind: sessionID), redirect_url = \(bind: redirectURL), updated_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: paymentID)
            """).run()
    }

    package func items(paymentID: String, on db: any SQLDatabase) async throws -> [PaymentItem] {
        try await db.raw("SELECT bill_id, group_bill_id, amount_cents FROM payment_items WHERE payment_id = \(bind: paymentID)").all().map { row in
            let bill: Int64? = try row.optional("bill_id")
            let group: Int64? = try row.optional("group_bill_id")
            return PaymentItem(target: bill.map { .bill($0) } ?? .groupBill(group ?? 0), amount: Money(cents: try row.value("amount_cents")))
        }
    }

    /// The numbers of the bills and group bills a payment pays, in number order.
    package func documentNumbers(paymentID: String, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw("""
            SELECT COALESCE(b.bill_no, g.group_bill_no) AS number FROM payment_items i
            LEFT JOIN bills b ON b.id = i.bill_id LEFT JOIN group_bills g ON g.id = i.group_bill_id
            WHERE i.payment_id = \(bind: paymentID) ORDER BY number
            """).all().map { try $0.value("number") }
    }

    /// Applies a successful payment: allocations to its bills (a group bill's amount goes to its member bills in
    /// Account ID order), bill and group bill states, the payment's card, and a receipt. Returns the receipt.
    package func settle(_ payment: StoredPayment, brand: String?, last4: String?, now: Date, on db: any SQLDatabase) async throws -> StoredReceipt {
        // What each bill still owes, read under the payment's lock; the spreading itself is a Core rule.
        var asked: [PaymentAllocation.Item] = []
        var billIDs: [Int64] = []
        for item in try await items(paymentID: payment.id, on: db) {
            switch item.target {
            case .bill(let billID):
                asked.append(PaymentAllocation.Item(target: .bill(billID), amount: item.amount))
                billIDs.append(billID)
            case .groupBill(let groupID):
                let members = try await db.raw("""
                    SELECT b.id FROM bills b JOIN accounts a ON a.id = b.account_id WHERE b.group_bill_id = \(bind: groupID) ORDER BY a.account_id
                    """).all().map { try $0.decode(column: "id", as: Int64.self) }
                asked.append(PaymentAllocation.Item(target: .group(members: members), amount: item.amount))
                billIDs += members
            }
        }
        var remaining: [Int64: Money] = [:]
        var states: [Int64: (total: Money, paid: Money, state: BillState, group: Int64?)] = [:]
        for chunk in Array(Set(billIDs)).sorted().chunked(into: 500) {
            for row in try await db.raw("""
                SELECT id, total_cents, paid_cents, state, group_bill_id FROM bills WHERE id IN \(SQLBindList(Array(chunk)))
                """).all() {
                let total = Money(cents: try row.decode(column: "total_cents", as: Int64.self))
                let paid = Money(cents: try row.decode(column: "paid_cents", as: Int64.self))
                let id = try row.decode(column: "id", as: Int64.self)
                remaining[id] = total - paid
                states[id] = (total, paid, BillState(rawValue: try row.decode(column: "state", as: String.self)) ?? .sent,
                              try row.decodeNil(column: "group_bill_id") ? nil : try row.decode(column: "group_bill_id", as: Int64.self))
            }
        }
        let outcome = PaymentAllocation.allocate(asked, total: payment.amount, remaining: remaining)
        var touchedGroups = Set<Int64>()
        for (billID, share) in outcome.allocations {
            guard let bill = states[billID] else { continue }
            let state = BillState.after(payments: bill.total - bill.paid - share, total: bill.total, current: bill.state)
            try await db.raw("""
                UPDATE bills SET paid_cents = paid_cents + \(bind: share.cents), state = \(bind: state.rawValue) WHERE id = \(bind: billID)
                """).run()
            try await db.raw("""
                INSERT INTO payment_allocations (payment_id, bill_id, amount_cents) VALUES (\(bind: payment.id), \(bind: billID), \(bind: share.cents))
                """).run()
            if let group = bill.group { touchedGroups.insert(group) }
        }
        for groupID in touchedGroups.sorted() { try await refreshGroupBill(groupID, on: db) }
        try await db.raw("""
            UPDATE payments SET status = 'succeeded', card_brand = \(bind: brand), card_last4 = \(bind: last4),
                completed_at = \(bind: now.storedSeconds), updated_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: payment.id)
            """).run()
        let sequence = try await BillingRepository().reserveNumbers("receipt", count: 1, on: db)
        let number = DocumentNumber.receipt(year: CalendarDay(containing: now).year, sequence)
        try await db.raw("""
            INSERT INTO receipts (receipt_no, payment_id, issued_at) VALUES (\(bind: number), \(bind: payment.id), \(bind: now.storedSeconds))
            """).run()
        // Money is never dropped: what the bills could not take (paid meanwhile by another payment) is the payer's credit.
        let unapplied = outcome.credit
        if unapplied.cents > 0 {
            try await db.raw("""
                INSERT INTO account_credits (payment_id, user_id, amount_cents, reason, created_at)
                VALUES (\(bind: payment.id), \(bind: payment.userID), \(bind: unapplied.cents), 'billsAlreadyPaid', \(bind: now.storedSeconds))
                ON CONFLICT (payment_id) DO NOTHING
                """).run()
        }
        return StoredReceipt(number: number, paymentID: payment.id, issuedAt: now, credit: unapplied.cents > 0 ? unapplied : nil)
    }

    /// The credit a payment left, if any.
    package func credit(paymentID: String, on db: any SQLDatabase) async throws -> Money? {
        try await db.raw("SELECT amount_cents FROM account_credits WHERE payment_id = \(bind: paymentID)").first()
            .map { Money(cents: try $0.value("amount_cents")) }
    }

    /// The credits a login holds in all.
    package func totalCredit(userID: Int64, on db: any SQLDatabase) async throws -> Money {
        let row = try await db.raw("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS total FROM account_credits WHERE user_id = \(bind: userID)").first()
        return Money(cents: try row?.value("total", as: Int64.self) ?? 0)
    }

    /// A group bill's paid amount and state follow its member bills.
    private func refreshGroupBill(_ groupID: Int64, on db: any SQLDatabase) async throws {
        // The group bill's row lock first (an update that changes nothing, on either engine): the sum below then sees
        // every other settlement of a member bill committed before, not a snapshot taken while it was under way.
        try await db.raw("UPDATE group_bills SET paid_cents = paid_cents WHERE id = \(bind: groupID)").run()
        guard let row = try await db.raw("""
            SELECT total_cents, state, (SELECT CAST(COALESCE(SUM(paid_cents), 0) AS BIGINT) FROM bills WHERE group_bill_id = \(bind: groupID)) AS paid
            FROM group_bills WHERE id = \(bind: groupID)
            """).first() else { return }
        let total = Money(cents: try row.value("total_cents"))
        let paid = Money(cents: try row.value("paid", as: Int64.self))
        let state = BillState.after(payments: total - paid, total: total, current: BillState(rawValue: try row.value("state")) ?? .sent)
        try await db.raw("UPDATE group_bills SET paid_cents = \(bind: paid.cents), state = \(bind: state.rawValue) WHERE id = \(bind: groupID)").run()
    }

    package func fail(_ paymentID: String, code: String, brand: String?, last4: String?, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE payments SET status = 'failed', failure_code = \(bind: code), card_brand = \(bind: brand), card_last4 = \(bind: last4),
                completed_at = \(bind: now.storedSeconds), updated_at = \(bind: now.storedSeconds)
            WHERE id = \(bind: paymentID) AND status = 'pending'
            """).run()
    }

    /// Pending payments created before `before`, oldest first, for the reconciler.
    package func pending(before: Date, limit: Int, on db: any SQLDatabase) async throws -> [StoredPayment] {
        try await db.raw("""
            SELECT * FROM payments WHERE status = 'pending' AND created_at < \(bind: before.storedSeconds) ORDER BY created_at LIMIT \(bind: limit)
            """).all().map(Self.payment(from:))
    }

    package func receipt(paymentID: String, on db: any SQLDatabase) async throws -> StoredReceipt? {
        guard let row = try await db.raw("SELECT * FROM receipts WHERE payment_id = \(bind: paymentID)").first() else { return nil }
        return StoredReceipt(number: try row.value("receipt_no"), paymentID: try row.value("payment_id"),
                             issuedAt: Date(storedSeconds: try row.value("issued_at")), credit: try await credit(paymentID: paymentID, on: db))
    }

    /// The bills a payment was applied to, with the amounts.
    package func allocations(paymentID: String, on db: any SQLDatabase) async throws -> [(billNo: String, accountID: String, amount: Money)] {
        try await db.raw("""
            SELECT b.bill_no, a.account_id, pa.amount_cents FROM payment_allocations pa JOIN bills b ON b.id = pa.bill_id
            JOIN accounts a ON a.id = b.account_id WHERE pa.payment_id = \(bind: paymentID) ORDER BY b.bill_no
            """).all().map { (try $0.value("bill_no"), try $0.value("account_id"), Money(cents: try $0.value("amount_cents"))) }
    }

    /// The group bills a payment was asked to pay, with the amount asked for each, by number.
    package func groupItems(paymentID: String, on db: any SQLDatabase) async throws -> [(number: String, amount: Money)] {
        try await db.raw("""
            SELECT g.group_bill_no, pi.amount_cents FROM payment_items pi JOIN group_bills g ON g.id = pi.group_bill_id
            WHERE pi.payment_id = \(bind: paymentID) ORDER BY g.group_bill_no
            """).all().map { (try $0.value("group_bill_no"), Money(cents: try $0.value("amount_cents"))) }
    }

    /// Locks the rows of these bills and group bills, their member bills and their group bills (PostgreSQL; SQLite
    /// has one writer at a time), so two payments of one bill cannot start side by side.
    package func lockForPayment(billIDs: [Int64], groupBillIDs: [Int64], on db: any SQLDatabase) async throws {
        guard db.isPostgres else { return }
        let (bills, groups) = (Self.idList(billIDs), Self.idList(groupBillIDs))
        _ = try await db.raw("""
            SELECT id FROM bills WHERE id IN \(bills) OR group_bill_id IN \(groups) ORDER BY id FOR UPDATE
            """).all()
        _ = try await db.raw("""
            SELECT id FROM group_bills WHERE id IN \(groups) OR id IN (SELECT group_bill_id FROM bills WHERE id IN \(bills))
            ORDER BY id FOR UPDATE
            """).all()
    }

    /// The newest payment still pending, started since `since`, that pays one of these bills or group bills, a group
    /// bill and its member bills counting as one; one without a card page counts only if started since
    /// `openingSince` (later it can no longer get one).
    package func pendingPayment(
        billIDs: [Int64], groupBillIDs: [Int64], since: Date, openingSince: Date, on db: any SQLDatabase
    ) async throws -> StoredPayment? {
        let (bills, groups) = (Self.idList(billIDs), Self.idList(groupBillIDs))
        return try await db.raw("""
            SELECT p.* FROM payments p JOIN payment_items i ON i.payment_id = p.id
            WHERE p.status = 'pending' AND p.created_at >= \(bind: since.storedSeconds)
              AND (p.gateway_session_id IS NOT NULL OR p.created_at >= \(bind: openingSince.storedSeconds)) AND (
                i.bill_id IN (SELECT id FROM bills WHERE id IN \(bills) OR group_bill_id IN \(groups))
                OR i.group_bill_id IN \(groups)
                OR i.group_bill_id IN (SELECT group_bill_id FROM bills WHERE id IN \(bills)))
            ORDER BY p.created_at DESC LIMIT 1
            """).first().map(Self.payment(from:))
    }

    /// `IN ()` is not SQL: an id no row has stands for an empty list.
    private static func idList(_ ids: [Int64]) -> SQLBindList<Int64> {
        SQLBindList(ids.isEmpty ? [-1] : ids)
    }

    /// A user's payments, newest first.
    package func payments(userID: Int64, limit: Int, on db: any SQLDatabase) async throws -> [StoredPayment] {
        try await db.raw("SELECT * FROM payments WHERE user_id = \(bind: userID) ORDER BY created_at DESC LIMIT \(bind: limit)").all()
            .map(Self.payment(from:))
    }

    /// Forgets a gateway event id, so the gateway's retry of it is processed.
    package func forgetEvent(id: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM webhook_events WHERE event_id = \(bind: id)").run()
    }

    /// Records a gateway event id; false when it was already processed.
    package func recordEvent(id: String, type: String, now: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            INSERT INTO webhook_events (event_id, event_type, received_at) VALUES (\(bind: id), \(bind: type), \(bind: now.storedSeconds))
            ON CONFLICT (event_id) DO NOTHING RETURNING event_id
            """).first() != nil
    }

    static func payment(from row: any SQLRow) throws -> StoredPayment {
        StoredPayment(
            id: try row.value("id"), userID: try row.value("user_id"), idempotencyKey: try row.value("idempotency_key"),
            requestDigest: try row.value("request_digest"), amount: Money(cents: try row.value("amount_cents")),
            status: StoredPayment.Status(rawValue: try row.value("status")) ?? .pending, gatewaySessionID: try row.optional("gateway_session_id"),
            redirectURL: try row.optional("redirect_url"), returnURL: try row.optional("return_url"), cardBrand: try row.optional("card_brand"), cardLast4: try row.optional("card_last4"),
            failureCode: try row.optional("failure_code"), createdAt: Date(storedSeconds: try row.value("created_at")),
            completedAt: try row.optional("completed_at", as: Int64.self).map(Date.init(storedSeconds:)))
    }
}
