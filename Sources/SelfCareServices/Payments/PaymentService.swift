import Crypto
import Foundation
import Logging
import SelfCareCore
import SelfCareDocuments
import SelfCareMessaging
import SelfCarePayments
import SelfCareStore

/// Card payments through the gateway's hosted page (the portal never sees a card): record the payment as pending
/// with an idempotency key, open a checkout, and settle only on the gateway's own word, asked server to server.
package struct PaymentService: Sendable {
    let database: Database
    let clock: any WallClock
    let gateway: any CardGateway
    let webhookSecret: String
    let publicURL: String
    /// Origins an API payment may send the payer back to: the portal's own and those configured.
    let returnOrigins: Set<String>
    /// Signs the link the gateway sends the payer back with, so only the payer's browser is sent on to `returnUrl`.
    let returnKey: String
    package let branding: Branding
    let logger: Logger
    private let payments = PaymentRepository()

    /// One thing to pay: a bill or group bill by number, and an amount (nil: all that remains).
    package struct Line: Sendable {
        package var number: String
        package var amount: Money?

        package init(number: String, amount: Money?) {
            self.number = number
            self.amount = amount
        }
    }

    /// Creates the payment (or finds the one made with the same key) and its checkout at the gateway. A refusal's
    /// times are written in `language`, the one the answer is shown in.
    package func start(
        _ identity: AuthenticatedUser, lines: [Line], idempotencyKey: String, returnURL: String?, language: Language
    ) async throws -> Result<PaymentView, ServiceError> {
        try await startPayment(identity, lines: lines, idempotencyKey: idempotencyKey, returnURL: returnURL, language: language)
            .map(PaymentView.init)
    }

    private func startPayment(
        _ identity: AuthenticatedUser, lines: [Line], idempotencyKey: String, returnURL: String?, language: Language
    ) async throws -> Result<StoredPayment, ServiceError> {
        guard !lines.isEmpty else { return .failure(.field("bills", "error.payment.nothingChosen", code: "no_bills")) }
        guard !idempotencyKey.isEmpty, idempotencyKey.unicodeScalars.count <= 200 else {
            return .failure(.field("idempotencyKey", "error.payment.key", code: "invalid_idempotency_key"))
        }
        if let returnURL, !isAllowedReturn(returnURL) {
            return .failure(.field("returnUrl", "error.payment.returnUrl", code: "invalid_return_url",
                                   values: ["origins": returnOrigins.sorted().joined(separator: ", ")]))
        }
        let digest = SHA256.hash(data: Data((lines.map { "\($0.number)=\($0.amount?.decimalString ?? "all")" }.sorted().joined(separator: ";")
                                             + "|" + (returnURL ?? "")).utf8)).map { String(format: "%02x", $0) }.joined()
        // A repeated request finds its payment before the bills are checked again (they may be paid by now).
        if let existing = try await database.read({ db in
            try await PaymentRepository().payment(userID: identity.user.id, idempotencyKey: idempotencyKey, on: db)
        }) {
            guard existing.requestDigest == digest else { return .failure(.field("idempotencyKey", "error.payment.keyReused", code: "idempotency_key_reused")) }
            // A payment whose checkout could not be opened (gateway unreachable) gets it now.
            return .success(try await openCheckout(existing))
        }
        let scope = identity.user.scope
        var items: [PaymentItem] = []
        var claimed: [PaymentItem.Target: Money] = [:]
        var memberOf: [(bill: String, group: Int64)] = []
        for line in lines {
            let found = try await database.read { db -> (PaymentItem.Target, Money, Int64?)? in
                if let bill = try await BillQueries().bill(number: line.number, scope: scope, on: db) { return (.bill(bill.id), bill.remaining, bill.groupBillID) }
                if let group = try await BillQueries().groupBill(number: line.number, scope: scope, on: db) { return (.groupBill(group.id), group.remaining, nil) }
                return nil
            }
            guard let (target, remaining, groupID) = found else {
                return .failure(ServiceError(field: "bills", messageKey: "error.payment.unknownBill", code: "unknown_bill", values: ["bill": line.number], kind: .notFound))
            }
            let amount = line.amount ?? remaining
            // A bill named twice is one bill: its lines together may not exceed what remains.
            let total = (claimed[target] ?? .zero) + amount
            guard amount.cents > 0, total <= remaining else {
                return .failure(.field("amount", "error.payment.amount", code: "invalid_amount", values: ["max": remaining.decimalString, "bill": line.number]))
            }
            claimed[target] = total
            if let groupID { memberOf.append((line.number, groupID)) }
            items.append(PaymentItem(target: target, amount: amount))
        }
        // A bill and its group bill in one payment would pay the bill twice.
        if let overlap = memberOf.first(where: { claimed[.groupBill($0.group)] != nil }) {
            return .failure(.field("bills", "error.payment.overlap", code: "overlapping_bills", values: ["bill": overlap.bill]))
        }
        let total = items.reduce(Money.zero) { $0 + $1.amount }
        let now = clock.now()
        let candidate = StoredPayment(
            id: "pay_" + SecretTokens.random(bytes: 12), userID: identity.user.id, idempotencyKey: idempotencyKey, requestDigest: digest,
            amount: total, status: .pending, returnURL: returnURL, createdAt: now)
        let payments = self.payments
        let chosen = items
        let billIDs = items.compactMap { if case .bill(let id) = $0.target { id } else { nil } }
        let groupIDs = items.compactMap { if case .groupBill(let id) = $0.target { id } else { nil } }
        let outcome = try await database.transaction { db -> StartOutcome in
            try await payments.lockForPayment(billIDs: billIDs, groupBillIDs: groupIDs, on: db)
            if let same = try await payments.payment(userID: identity.user.id, idempotencyKey: idempotencyKey, on: db) { return .existing(same) }
            // One payment of a bill at a time: two card pages open for one bill could both take the money.
            if let underWay = try await payments.pendingPayment(
                billIDs: billIDs, groupBillIDs: groupIDs, since: now.addingTimeInterval(-Self.holdLifetime),
                openingSince: now.addingTimeInterval(-Self.checkoutOpeningWindow), on: db) {
                return .underWay(underWay)
            }
            if try await payments.insert(candidate, items: chosen, returnURL: returnURL, now: now, on: db) { return .existing(candidate) }
            guard let same = try await payments.payment(userID: identity.user.id, idempotencyKey: idempotencyKey, on: db) else {
                throw SubscriberError.inconsistent("payment \(idempotencyKey) neither inserted nor found")
            }
            return .existing(same)
        }
        switch outcome {
        case .existing(let payment) where payment.requestDigest == digest:
            return .success(try await openCheckout(payment))
        case .existing:
            return .failure(.field("idempotencyKey", "error.payment.keyReused", code: "idempotency_key_reused"))
        case .underWay(let payment):
            let own = payment.userID == identity.user.id
            let until = payment.createdAt.addingTimeInterval(Self.holdLifetime)
            return .failure(ServiceError(
                field: "bills", messageKey: own ? "error.payment.inProgress" : "error.payment.inProgressElsewhere", code: "payment_in_progress",
                values: ["since": DisplayFormat.time(payment.createdAt, language),
                         "until": DisplayFormat.time(until, language),
                         "payment": own ? payment.id : ""],
                kind: .conflict))
        }
    }

    /// How long after a payment starts its card page may still be opened (a retry, the reconciler).
    static let checkoutOpeningWindow: TimeInterval = 120
    /// How long a payment holds its bills: its card page opened at the latest, plus the hour the page can take money.
    static let holdLifetime: TimeInterval = checkoutOpeningWindow + 3600

    private enum StartOutcome: Sendable {
        case existing(StoredPayment)
        case underWay(StoredPayment)
    }

    /// What the card page says is paid: the bill numbers (never more about the payer), which read in any language.
    static func checkoutDescription(_ numbers: [String]) -> String {
        numbers.prefix(5).joined(separator: ", ") + (numbers.count > 5 ? " (+\(numbers.count - 5))" : "")
    }

    /// Opens the gateway checkout of a pending payment that has none yet; returns the payment as it now is.
    private func openCheckout(_ payment: StoredPayment) async throws -> StoredPayment {
        guard payment.status == .pending, payment.gatewaySessionID == nil else { return payment }
        let (payments, now) = (self.payments, clock.now())
        // A payment holds its bills against other payments only while its card page may still be opened: past that,
        // it ends unpaid rather than open a card page beside a payment started since.
        guard now.timeIntervalSince(payment.createdAt) <= Self.checkoutOpeningWindow else {
            try await database.transaction { db in
                try await payments.fail(payment.id, code: "checkout_not_opened", brand: nil, last4: nil, now: now, on: db)
            }
            return try await storedPayment(payment.id) ?? payment
        }
        // The payment id is the gateway's idempotency key: concurrent starts of one payment get one checkout.
        let back = "\(publicURL)/payments/\(payment.id)/return?rt=\(returnToken(payment.id))"
        let numbers = try await database.read { db in try await payments.documentNumbers(paymentID: payment.id, on: db) }
        let checkout = try await gateway.createCheckout(
            amountCents: payment.amount.cents, reference: payment.id, description: Self.checkoutDescription(numbers), successURL: back,
            cancelURL: back, idempotencyKey: payment.id)
        try await database.transaction { db in
            try await payments.attachCheckout(paymentID: payment.id, sessionID: checkout.id, redirectURL: checkout.url, now: now, on: db)
        }
        var started = payment
        started.gatewaySessionID = checkout.id
        started.redirectURL = checkout.url
        return started
    }

    /// True for an absolute http(s) address whose origin is the portal's own or a configured one.
    package func isAllowedReturn(_ url: String) -> Bool {
        guard url.unicodeScalars.count <= 2000, let origin = WebOrigin(url) else { return false }
        return returnOrigins.contains(origin.text)
    }

    /// The token in the payer's way back from the gateway: only that browser is sent on to the payment's `returnUrl`.
    package func returnToken(_ paymentID: String) -> String {
        String(SecretTokens.keyedHash("payment-return:\(paymentID)", key: returnKey).prefix(32))
    }

    /// True when `token` is the payment's return token.
    package func isReturnToken(_ token: String?, for paymentID: String) -> Bool {
        guard let token else { return false }
        return SecretTokens.constantTimeEqual(token, returnToken(paymentID))
    }

    /// A payment as it stands, whoever asks: the return page shows it when the gateway does not answer.
    package func paymentAsStored(_ id: String) async throws -> PaymentView? {
        try await storedPayment(id).map(PaymentView.init)
    }

    func storedPayment(_ id: String) async throws -> StoredPayment? {
        try await database.read { db in try await PaymentRepository().payment(id: id, on: db) }
    }

    /// The user's payment, if it is theirs.
    package func payment(_ id: String, for identity: AuthenticatedUser) async throws -> PaymentView? {
        let payment = try await storedPayment(id)
        return payment?.userID == identity.user.id ? payment.map(PaymentView.init) : nil
    }

    /// Asks the gateway how a payment went and settles it either way; returns the payment as it now is. A payment
    /// this side had given up on (its card page was not opened in time) that the gateway says was paid is settled all
    /// the same: the card was charged, so the money goes to its bills, or to the payer's credit when they were paid
    /// meanwhile.
    @discardableResult
    package func confirm(_ paymentID: String) async throws -> PaymentView? {
        try await confirmed(paymentID).map(PaymentView.init)
    }

    private func confirmed(_ paymentID: String) async throws -> StoredPayment? {
        let payments = self.payments
        guard let payment = try await database.read({ db in try await payments.payment(id: paymentID, on: db) }) else { return nil }
        guard payment.status != .succeeded, let sessionID = payment.gatewaySessionID else { return payment }
        let checkout = try await gateway.checkout(id: sessionID)
        guard checkout.isPaid || (checkout.hasFailed && payment.status == .pending) else { return payment }
        guard checkout.amount == payment.amount.cents, checkout.reference == payment.id else {
            logger.error("checkout \(sessionID) does not match payment \(payment.id)")
            return payment
        }
        let now = clock.now()
        // Why the checkout did not pay, as the payment records it.
        let failureCode = checkout.failureCode ?? (checkout.status == "expired" ? "expired" : "failed")
        let (branding, publicURL) = (self.branding, self.publicURL)
        try await database.transaction { db in
            guard let locked = try await payments.lockedPayment(id: paymentID, on: db),
                  locked.status == .pending || (locked.status == .failed && checkout.isPaid) else { return }
            if checkout.isPaid {
                let receipt = try await payments.settle(locked, brand: checkout.card?.brand, last4: checkout.card?.last4, now: now, on: db)
                if let credit = receipt.credit {
                    try await AuditRepository().record(AuditEvent(
                        action: .paymentCredited, userID: locked.userID,
                        detail: "payment \(locked.id): \(credit.decimalString) kept as credit (\(locked.status.rawValue) before the gateway's answer)",
                        occurredAt: now), on: db)
                }
                if let user = try await UserRepository().user(id: locked.userID, on: db),
                   let number = try await IdentityDirectory.numberOnFile(user.scope, on: db) {
                    let messages = Notices.receipt(
                        receiptNo: receipt.number, amount: locked.amount, card: checkout.card.map { CardLabel.text(brand: $0.brand, last4: $0.last4) },
                        msisdn: number, email: user.email, userID: user.id, operatorName: branding.operatorName,
                        link: "\(publicURL)/payments/\(locked.id)", paymentID: locked.id, language: user.language)
                    try await OutboxRepository().enqueue(messages, now: now, on: db)
                }
            } else {
                try await payments.fail(paymentID, code: failureCode,
                                        brand: checkout.card?.brand, last4: checkout.card?.last4, now: now, on: db)
            }
            let status: StoredPayment.Status = checkout.isPaid ? .succeeded : .failed
            try await HubPublisher().publish(
                .paymentStateChange, userID: locked.userID,
                event: HubEvents.paymentChanged(PaymentResource(
                    id: locked.id, status: status.rawValue, amount: locked.amount, createdAt: locked.createdAt, redirectURL: nil,
                    cardBrand: checkout.card?.brand, cardLast4: checkout.card?.last4,
                    failureCode: checkout.isPaid ? nil : failureCode),
                    now: now), now: now, on: db)
        }
        return try await database.read { db in try await payments.payment(id: paymentID, on: db) }
    }

    /// A gateway event: signature and freshness checked, processed once, then confirmed with the gateway itself.
    package func handleWebhook(id: String, timestamp: String, signature: String, body: Data) async throws -> WebhookOutcome {
        let now = clock.now()
        guard WebhookSignature.verify(id: id, timestamp: timestamp, signatures: signature, body: body, secret: webhookSecret, now: now) else {
            return .rejected
        }
        guard let event = try? JSONDecoder().decode(GatewayEvent.self, from: body) else { return .rejected }
        let payments = self.payments
        let fresh = try await database.transaction { db in try await payments.recordEvent(id: id, type: event.type, now: now, on: db) }
        guard fresh else { return .duplicate }
        do {
            if let payment = try await database.read({ db in try await payments.payment(gatewaySessionID: event.data.id, on: db) }) {
                try await confirm(payment.id)
            }
            return .processed
        } catch {
            // Forget the event so the gateway's retry is processed; the reconciler is the last resort.
            try? await database.transaction { db in try await payments.forgetEvent(id: id, on: db) }
            throw error
        }
    }

    package enum WebhookOutcome: Sendable {
        case processed
        case duplicate
        case rejected
    }

    /// Settles payments still pending after `age`: asks the gateway about each.
    @discardableResult
    package func reconcile(olderThan age: TimeInterval) async throws -> Int {
        let before = clock.now().addingTimeInterval(-age)
        let pending = try await database.read { db in try await PaymentRepository().pending(before: before, limit: 50, on: db) }
        var settled = 0
        for payment in pending {
            do {
                // A checkout whose answer was lost is found again: the payment id is its idempotency key at the gateway.
                _ = try await openCheckout(payment)
                if let updated = try await confirm(payment.id), updated.status != .pending { settled += 1 }
            } catch {
                logger.warning("reconciler: payment \(payment.id) not confirmed: \(error)")
            }
        }
        return settled
    }

    /// The receipt of a succeeded payment, with the bills it paid; nil before it succeeded.
    package func receipt(forPayment paymentID: String) async throws -> ReceiptView? {
        guard let (receipt, allocations, groupBills) = try await storedReceipt(paymentID) else { return nil }
        return ReceiptView(
            number: receipt.number, issuedAt: receipt.issuedAt,
            allocations: allocations.map { ReceiptView.Allocation(billNo: $0.billNo, accountID: $0.accountID, amount: $0.amount) },
            groupBills: groupBills, credit: receipt.credit)
    }

    private func storedReceipt(
        _ paymentID: String
    ) async throws -> (StoredReceipt, [(billNo: String, accountID: String, amount: Money)], [(number: String, amount: Money)])? {
        try await database.read { db in
            let payments = PaymentRepository()
            guard let receipt = try await payments.receipt(paymentID: paymentID, on: db) else { return nil }
            return (receipt, try await payments.allocations(paymentID: paymentID, on: db), try await payments.groupItems(paymentID: paymentID, on: db))
        }
    }

    /// A succeeded payment's receipt as a document in `payerName`'s name (PDF, e-mail); nil before it succeeded.
    func receiptDocument(for payment: StoredPayment, payerName: String) async throws -> ReceiptDocument? {
        guard let (receipt, allocations, groupBills) = try await storedReceipt(payment.id) else { return nil }
        return ReceiptDocument(
            operatorName: branding.operatorName, helpline: branding.helpline, receiptNo: receipt.number, issuedAt: receipt.issuedAt,
            payerName: payerName, amount: payment.amount, card: payment.cardLast4.map { CardLabel.text(brand: payment.cardBrand, last4: $0) },
            paymentID: payment.id, allocations: allocations, groupBills: groupBills, credit: receipt.credit)
    }

    /// The login's latest 50 payments, newest first.
    package func history(_ identity: AuthenticatedUser) async throws -> [PaymentView] {
        try await database.read { db in try await PaymentRepository().payments(userID: identity.user.id, limit: 50, on: db) }
            .map(PaymentView.init)
    }
}
