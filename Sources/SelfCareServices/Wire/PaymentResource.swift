import Foundation
import SelfCareCore

/// TMF676 payment: a card payment as the API answers it and its events carry it; never more of the card than its
/// brand and last four digits.
package struct PaymentResource: Encodable, Sendable {
    /// What the payment went to: one bill or group bill each.
    package struct Allocation: Encodable, Sendable {
        package var billNo: String
        package var billingAccount: ResourceReference
        package var amount: MoneyAmount
    }

    package struct Card: Encodable, Sendable {
        package var brand: String
        package var last4: String
    }

    package struct Receipt: Encodable, Sendable {
        package var receiptNo: String
        package var href: String
    }

    package var id: String
    package var href: String
    package var status: String
    package var amount: MoneyAmount
    /// The gateway's card page, while the payment waits for it.
    package var redirectUrl: String?
    package var paymentDate: String
    package var card: Card?
    package var failureCode: String?
    package var allocations: [Allocation]?
    package var receipt: Receipt?

    /// The payment `id` of `amount` made at `createdAt`, as it stands.
    package init(
        id: String, status: String, amount: Money, createdAt: Date, redirectURL: String?, cardBrand: String?, cardLast4: String?,
        failureCode: String?
    ) {
        self.id = id
        href = "/api/v1/payment/\(id)"
        self.status = status
        self.amount = MoneyAmount(amount)
        redirectUrl = redirectURL
        paymentDate = Timestamp.format(createdAt)
        card = cardLast4.map { Card(brand: cardBrand ?? "card", last4: $0) }
        self.failureCode = failureCode
    }

    package init(_ payment: PaymentView) {
        self.init(
            id: payment.id, status: payment.status.rawValue, amount: payment.amount, createdAt: payment.createdAt,
            redirectURL: payment.status == .pending ? payment.redirectURL : nil, cardBrand: payment.cardBrand,
            cardLast4: payment.cardLast4, failureCode: payment.failureCode)
    }

    /// The payment with its receipt and what it paid, once it succeeded.
    package mutating func add(_ receipt: ReceiptView) {
        self.receipt = Receipt(receiptNo: receipt.number, href: "/api/v1/payment/\(id)/receipt?format=pdf")
        allocations = receipt.allocations.map {
            Allocation(
                billNo: $0.billNo, billingAccount: ResourceReference(id: $0.accountID, href: "/api/v1/billingAccount/\($0.accountID)"),
                amount: MoneyAmount($0.amount))
        }
    }
}
