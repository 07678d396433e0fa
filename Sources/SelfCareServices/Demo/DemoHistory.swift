import Foundation
import SelfCareCore
import SelfCarePayments
import SelfCareStore
import SQLKit

/// The demo's ready logins and their past: an individual line and a ministry's Client ID, each with a password set,
/// and payments made in their time — older bills paid in full, one paid in part and left past its due date, the
/// latest still to pay — with their receipts and the messages that announced them.
package struct DemoHistory: Sendable {
    /// A login the demo prepared, as the start banner prints it.
    package struct Login: Sendable, Codable, Hashable {
        package var identifier: String
        package var name: String
    }

    /// The password of the demo logins (development only; never set outside the demo data).
    package static let password = "Lagoon-Demo-2026"

    private let database: Database
    private let hasher: PasswordHasher
    private let branding: Branding
    private let publicURL: String

    package init(database: Database, hasher: PasswordHasher, branding: Branding, publicURL: String) {
        self.database = database
        self.hasher = hasher
        self.branding = branding
        self.publicURL = publicURL
    }

    /// Creates the two logins and their payments; returns them, the individual line first.
    package func make(individual accountID: String, ministry clientID: String, ministryReference: String, today: CalendarDay) async throws -> [Login] {
        let hash = try await hasher.hash(Self.password)
        let account = try AccountID(accountID)
        let now = today.period.firstDay.start
        return try await database.transaction { db in
            let customers = CustomerRepository()
            guard let line = try await customers.account(id: account, on: db),
                  let lineClient = try await customers.client(rowID: line.clientRowID, on: db),
                  let ministry = try await customers.client(reference: ministryReference, on: db) else {
                throw DemoError("the demo line or ministry is missing")
            }
            let users = UserRepository()
            let lineUser = try await users.insert(
                scope: .account(rowID: line.id), fullName: lineClient.client.name, email: lineClient.client.contactEmail ?? "demo@example.mu",
                language: .french, passwordHash: hash, now: now, on: db)
            let ministryUser = try await users.insert(
                scope: .client(rowID: ministry.id), fullName: ministry.client.name, email: ministry.client.contactEmail ?? "demo@example.mu",
                language: .english, passwordHash: hash, now: now, on: db)

            // The line: every bill but the last two paid in full; the one before last paid in part; the last to pay.
            let bills = try await BillQueries().bills(scope: .account(rowID: line.id), accountRowID: line.id, state: nil, offset: 0, limit: 24, on: db)
                .sorted { $0.period < $1.period }
            for (index, bill) in bills.enumerated() where index < bills.count - 1 {
                let amount = index == bills.count - 2 ? Money(cents: bill.total.cents / 2) : bill.total
                try await pay([PaymentItem(target: .bill(bill.id), amount: amount)], total: amount, user: lineUser,
                              msisdn: line.account.line.msisdn, email: lineClient.client.contactEmail, language: .french,
                              at: Self.paymentTime(dueDate: bill.dueDate), card: ("visa", "4242"), on: db)
            }
            // The ministry: its group bills paid in full but the last two, the older of them now past its due date.
            let groups = try await BillQueries().groupBills(scope: .client(rowID: ministry.id), period: nil, on: db).sorted { $0.period < $1.period }
            for group in groups.dropLast(2) {
                try await pay([PaymentItem(target: .groupBill(group.id), amount: group.total)], total: group.total, user: ministryUser,
                              msisdn: ministry.client.contactMSISDN, email: ministry.client.contactEmail, language: .english,
                              at: Self.paymentTime(dueDate: group.dueDate), card: ("mastercard", "4444"), on: db)
            }
            return [Login(identifier: account.grouped, name: lineClient.client.name),
                    Login(identifier: clientID, name: ministry.client.name)]
        }
    }

    /// One card payment made in its time: recorded, settled with a receipt, and its receipt SMS and e-mail queued.
    private func pay(
        _ items: [PaymentItem], total: Money, user: Int64, msisdn: MSISDN?, email: String?, language: Language, at time: Date,
        card: (brand: String, last4: String), on db: any SQLDatabase
    ) async throws {
        let payments = PaymentRepository()
        let payment = StoredPayment(
            id: "pay_" + SecretTokens.random(bytes: 12), userID: user, idempotencyKey: "demo-" + SecretTokens.random(bytes: 8),
            requestDigest: "demo", amount: total, status: .pending, createdAt: time)
        _ = try await payments.insert(payment, items: items, returnURL: nil, now: time, on: db)
        let receipt = try await payments.settle(payment, brand: card.brand, last4: card.last4, now: time, on: db)
        guard let msisdn else { return }
        let messages = Notices.receipt(
            receiptNo: receipt.number, amount: total, card: CardLabel.text(brand: card.brand, last4: card.last4), msisdn: msisdn,
            email: email ?? "", userID: user, operatorName: branding.operatorName, link: "\(publicURL)/payments/\(payment.id)",
            paymentID: payment.id, language: language)
        try await OutboxRepository().enqueue(messages, now: time, on: db)
    }

    /// A payment six days before the bill fell due, at a quarter past ten.
    private static func paymentTime(dueDate: String) -> Date {
        let due = (try? CalendarDay(dueDate)) ?? CalendarDay(containing: Date())
        return due.adding(days: -6).start.addingTimeInterval(10 * 3600 + 15 * 60)
    }
}
