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
        var customerBill: CustomerBillResource
    }

    struct PaymentPayload: Encodable {
        var payment: PaymentResource
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

    /// `CustomerBillCreateEvent` for a bill just issued: the bill as `GET /api/v1/customerBill/{id}` reads it.
    static func billCreated(
        billNo: String, accountID: String, period: BillingPeriod, amounts: BillAmounts, state: BillState, now: Date
    ) -> (id: String, body: String) {
        let id = "bill-created-\(billNo)"
        let bill = CustomerBillResource(
            billNo: billNo, accountID: accountID, period: period.description, billDate: BillAmounts.billDate(for: period).description,
            dueDate: BillAmounts.dueDate(for: period).description, state: state, monthlyFee: amounts.monthlyFee,
            usageCharges: amounts.usageCharges, amountExcludingVAT: amounts.amountExcludingVAT, vat: amounts.vat, total: amounts.total,
            remaining: amounts.total, lines: nil)
        return (id, encode(Envelope(eventId: id, eventTime: Timestamp.format(now), eventType: HubEventType.customerBillCreate.rawValue,
                                    event: BillPayload(customerBill: bill))))
    }

    /// `PaymentStateChangeEvent` for a payment that reached `status`: the payment as `GET /api/v1/payment/{id}` reads it.
    static func paymentChanged(_ payment: PaymentResource, now: Date) -> (id: String, body: String) {
        let id = "payment-\(payment.id)-\(payment.status)"
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
