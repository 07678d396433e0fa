import Foundation
import SelfCareCore
import SelfCareStore
import SQLKit

/// The events the portal publishes, shaped after TM Forum notifications: `{eventId, eventTime, eventType, event}`.
package enum HubEvents {
    struct Envelope<Payload: Encodable>: Encodable {
        var eventId: String
        var eventTime: String
        var eventType: String
        var event: Payload
    }

    struct BillPayload: Encodable {
        struct Bill: Encodable {
            var id: String
            var href: String
            var billNo: String
            var state: String
            var period: String
            var billDate: String
            var paymentDueDate: String
            var billingAccount: ResourceReference
            var taxIncludedAmount: MoneyAmount
            var amountDue: MoneyAmount
        }

        var customerBill: Bill
    }

    struct PaymentPayload: Encodable {
        struct Payment: Encodable {
            var id: String
            var href: String
            var status: String
            var totalAmount: MoneyAmount
        }

        var payment: Payment
    }

    struct ThresholdPayload: Encodable {
        struct Threshold: Encodable {
            var billingAccount: ResourceReference
            var period: String
            var subject: String
            var percent: Int
        }

        var usageThreshold: Threshold
    }

    /// `CustomerBillCreateEvent` for a bill just issued.
    static func billCreated(
        billNo: String, accountID: String, period: BillingPeriod, total: Money, state: BillState, now: Date
    ) -> (id: String, body: String) {
        let id = "bill-created-\(billNo)"
        let bill = BillPayload.Bill(
            id: billNo, href: "/api/v1/customerBill/\(billNo)", billNo: billNo, state: state.rawValue, period: period.description,
            billDate: BillAmounts.billDate(for: period).description, paymentDueDate: BillAmounts.dueDate(for: period).description,
            billingAccount: ResourceReference(id: accountID, href: "/api/v1/billingAccount/\(accountID)"), taxIncludedAmount: MoneyAmount(total),
            amountDue: MoneyAmount(total))
        return (id, encode(Envelope(eventId: id, eventTime: Timestamp.format(now), eventType: HubEventType.customerBillCreate.rawValue,
                                    event: BillPayload(customerBill: bill))))
    }

    /// `PaymentStateChangeEvent` for a payment that reached `status`.
    static func paymentChanged(paymentID: String, status: String, amount: Money, now: Date) -> (id: String, body: String) {
        let id = "payment-\(paymentID)-\(status)"
        let payment = PaymentPayload.Payment(id: paymentID, href: "/api/v1/payment/\(paymentID)", status: status, totalAmount: MoneyAmount(amount))
        return (id, encode(Envelope(eventId: id, eventTime: Timestamp.format(now), eventType: HubEventType.paymentStateChange.rawValue,
                                    event: PaymentPayload(payment: payment))))
    }

    /// `UsageThresholdEvent` for a level a line reached.
    static func thresholdReached(accountID: String, period: BillingPeriod, level: AlertLevel, now: Date) -> (id: String, body: String) {
        let id = "threshold-\(accountID)-\(period)-\(level.subject.rawValue)-\(level.percent)"
        let threshold = ThresholdPayload.Threshold(
            billingAccount: ResourceReference(id: accountID, href: "/api/v1/billingAccount/\(accountID)"), period: period.description,
            subject: level.subject.rawValue, percent: level.percent)
        return (id, encode(Envelope(eventId: id, eventTime: Timestamp.format(now), eventType: HubEventType.usageThreshold.rawValue,
                                    event: ThresholdPayload(usageThreshold: threshold))))
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// Queues events for the subscriptions of the logins that may see them, in the caller's transaction.
package struct HubPublisher: Sendable {
    private let hub = HubRepository()

    package init() {}

    /// Queues one event per (account, payload) to the subscriptions of the account's own login and its client's login.
    func publish(
        _ type: HubEventType, accounts: [(accountRowID: Int64, clientRowID: Int64, event: () -> (id: String, body: String))], now: Date,
        on db: any SQLDatabase
    ) async throws {
        // The bill run publishes from every batch: with no subscription to the type, that costs one cheap query.
        guard !accounts.isEmpty, try await hub.hasSubscriptions(eventType: type.rawValue, on: db) else { return }
        let logins = try await UserRepository().loginIDs(accounts: accounts.map { ($0.accountRowID, $0.clientRowID) }, on: db)
        let subscribers = try await hub.subscribers(eventType: type.rawValue, userIDs: logins.values.flatMap { $0 }, on: db)
        guard !subscribers.isEmpty else { return }
        var deliveries: [NewHubDelivery] = []
        for account in accounts {
            let subscriptions = (logins[account.accountRowID] ?? []).flatMap { subscribers[$0] ?? [] }
            guard !subscriptions.isEmpty else { continue }
            // Encoded only for the accounts someone subscribed to.
            let event = account.event()
            for subscription in subscriptions {
                deliveries.append(NewHubDelivery(subscriptionID: subscription, eventID: event.id, eventType: type.rawValue, body: event.body))
            }
        }
        try await hub.enqueue(deliveries, now: now, on: db)
    }

    /// Queues one event to the subscriptions of one login.
    func publish(_ type: HubEventType, userID: Int64, event: (id: String, body: String), now: Date, on db: any SQLDatabase) async throws {
        let subscriptions = try await hub.subscribers(eventType: type.rawValue, userIDs: [userID], on: db)[userID] ?? []
        try await hub.enqueue(subscriptions.map {
            NewHubDelivery(subscriptionID: $0, eventID: event.id, eventType: type.rawValue, body: event.body)
        }, now: now, on: db)
    }
}
