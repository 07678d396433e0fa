import Foundation
import SelfCareCore
import SelfCarePayments
import SelfCareStore

/// Where a card payment stands.
package enum PaymentStatus: String, Sendable {
    case pending
    case succeeded
    case failed
    case canceled
}

/// A card payment as its payer sees it: never more of the card than its brand and last four digits.
package struct PaymentView: Sendable, Hashable {
    package var id: String
    /// The login that made it.
    package var userID: Int64
    package var amount: Money
    package var status: PaymentStatus
    /// The gateway's card page, while the payment waits for it.
    package var redirectURL: String?
    /// Where an API client wants the browser back after the card page.
    package var returnURL: String?
    package var cardBrand: String?
    package var cardLast4: String?
    package var failureCode: String?
    package var createdAt: Date

    init(_ row: StoredPayment) {
        id = row.id
        userID = row.userID
        amount = row.amount
        status = PaymentStatus(rawValue: row.status.rawValue) ?? .pending
        redirectURL = row.redirectURL
        returnURL = row.returnURL
        cardBrand = row.cardBrand
        cardLast4 = row.cardLast4
        failureCode = row.failureCode
        createdAt = row.createdAt
    }

    /// "Visa •••• 4242", as receipts name the card; nil before a card was used.
    package var cardLabel: String? { cardLast4.map { CardLabel.text(brand: cardBrand, last4: $0) } }
}

/// A succeeded payment's receipt: its number, when it was issued, and what it paid.
package struct ReceiptView: Sendable {
    /// One bill (or group bill) the payment went to.
    package struct Allocation: Sendable {
        package var billNo: String
        package var accountID: String
        package var amount: Money
    }

    package var number: String
    package var issuedAt: Date
    package var allocations: [Allocation]
    /// The group bills the payment was for, by number, with the amount asked for each.
    package var groupBills: [(number: String, amount: Money)]
    /// What found its bills already paid and was kept as the payer's credit.
    package var credit: Money?
}
