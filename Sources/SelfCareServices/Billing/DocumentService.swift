import Foundation
import SelfCareCore
import SelfCareDocuments
import SelfCareStore

/// The formats a bill or group bill downloads in.
package enum DocumentFormat: String, Sendable {
    case pdf
    case csv
}

/// A document written piece by piece as it is produced, never held whole; or, for a small one made at once, whole.
package struct DocumentStream: Sendable {
    package let filename: String
    package let contentType: String
    /// The whole document when it was made at once (a one-page receipt).
    package let whole: Data?
    /// Writes the document to `sink`, in order.
    package let write: @Sendable (_ sink: @escaping @Sendable (Data) async throws -> Void) async throws -> Void

    init(filename: String, contentType: String, write: @escaping @Sendable (_ sink: @escaping @Sendable (Data) async throws -> Void) async throws -> Void) {
        self.filename = filename
        self.contentType = contentType
        whole = nil
        self.write = write
    }

    init(filename: String, contentType: String, whole: Data) {
        self.filename = filename
        self.contentType = contentType
        self.whole = whole
        write = { sink in try await sink(whole) }
    }
}

/// The documents a login downloads: bills and group bills as PDF or CSV, receipts as PDF, in the login's language,
/// each read from what was issued (frozen records, stored amounts).
package struct DocumentService: Sendable {
    let database: Database
    let bills: BillService
    let usage: UsageService
    let payments: PaymentService
    let branding: Branding
    let publicURL: String
    let localizer: Localizer

    /// The bill `number` as `format`, if the login may see it.
    package func bill(_ number: String, format: DocumentFormat, language: Language, for identity: AuthenticatedUser) async throws -> DocumentStream? {
        guard let (bill, lines) = try await bills.storedBill(number, for: identity) else { return nil }
        let (document, records) = try await document(for: bill, lines: lines, identity: identity)
        return stream(document, records: records, format: format, language: language)
    }

    /// The group bill `number` as `format`, if the login is its client's.
    package func groupBill(_ number: String, format: DocumentFormat, language: Language, for identity: AuthenticatedUser) async throws -> DocumentStream? {
        guard let (group, members) = try await bills.storedGroupBill(number, for: identity) else { return nil }
        let (document, records) = try await document(for: group, members: members, identity: identity)
        return stream(document, records: records, format: format, language: language)
    }

    /// The receipt of the login's payment `paymentID` as PDF, once the payment succeeded.
    package func receipt(forPayment paymentID: String, language: Language, for identity: AuthenticatedUser) async throws -> DocumentStream? {
        guard let payment = try await payments.storedPayment(paymentID), payment.userID == identity.user.id,
              let (filename, data) = try await receiptPDF(for: payment, payerName: identity.user.fullName, language: language)
        else { return nil }
        return DocumentStream(filename: filename, contentType: "application/pdf", whole: data)
    }

    /// A succeeded payment's receipt PDF in `payerName`'s name and `language`, with its file name: what the receipt
    /// page offers and the receipt e-mail carries.
    func receiptPDF(for payment: StoredPayment, payerName: String, language: Language) async throws -> (filename: String, data: Data)? {
        guard let document = try await payments.receiptDocument(for: payment, payerName: payerName) else { return nil }
        let localizer = self.localizer
        return ("\(document.receiptNo).pdf", try ReceiptPDF.render(document, language: language, labels: { localizer.text($0, language) }))
    }

    private func stream(_ document: BillDocument, records: @escaping ItemisedRecords, format: DocumentFormat, language: Language) -> DocumentStream {
        let localizer = self.localizer
        switch format {
        case .csv:
            return DocumentStream(filename: "\(document.billNo).csv", contentType: "text/csv; charset=utf-8") { sink in
                try await BillCSV.write(document, records: records) { text in try await sink(Data(text.utf8)) }
            }
        case .pdf:
            return DocumentStream(filename: "\(document.billNo).pdf", contentType: "application/pdf") { sink in
                try await BillPDF(language: language, labels: { localizer.text($0, language) }).write(document, records: records, sink: sink)
            }
        }
    }

    /// The printable document of a bill, and its records account by account.
    func document(for bill: StoredBill, lines: [ChargeLine], identity: AuthenticatedUser) async throws -> (BillDocument, ItemisedRecords) {
        let (account, client) = try await database.read { db in
            (try await CustomerRepository().account(rowID: bill.accountRowID, on: db),
             try await CustomerRepository().client(rowID: bill.clientRowID, on: db))
        }
        let version = try await bills.storedPlanVersion(of: bill)
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
        let usage = self.usage
        let records: ItemisedRecords = { each in
            let rated = try await usage.billedRecords(of: account, bill: bill)
            try await each(account.account.id, account.account.line.msisdn, rated)
        }
        return (document, records)
    }

    /// The printable document of a group bill; its records are read and rated one member account at a time.
    func document(for group: StoredGroupBill, members: [StoredBill], identity: AuthenticatedUser) async throws -> (BillDocument, ItemisedRecords) {
        let (client, accounts) = try await database.read { db in
            (try await CustomerRepository().client(rowID: group.clientRowID, on: db),
             try await CustomerRepository().accounts(ofClient: group.clientRowID, on: db))
        }
        let clientName = client?.client.name ?? identity.user.fullName
        let byRow = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0) })
        guard let period = try? BillingPeriod(group.period) else { throw SubscriberError.inconsistent(group.groupBillNo) }
        let memberRows: [BillDocument.Member] = members.compactMap { bill in
            byRow[bill.accountRowID].map {
                BillDocument.Member(
                    accountID: $0.account.id, msisdn: $0.account.line.msisdn, billNo: bill.billNo, monthlyFee: bill.monthlyFee,
                    usageCharges: bill.usageCharges, vat: bill.vat, total: bill.total)
            }
        }
        let document = BillDocument(
            operatorName: branding.operatorName, helpline: branding.helpline, portalURL: publicURL, isGroupBill: true,
            billNo: group.groupBillNo, period: period, billDate: try CalendarDay(group.billDate), dueDate: try CalendarDay(group.dueDate),
            customerName: clientName, accountID: nil, msisdn: nil, planName: nil, planVersion: nil, clientReference: group.clientRef,
            monthlyFee: members.reduce(.zero) { $0 + $1.monthlyFee }, lines: [],
            amountExcludingVAT: members.reduce(.zero) { $0 + $1.amountExcludingVAT }, vat: members.reduce(.zero) { $0 + $1.vat },
            total: group.total, paid: group.paid, members: memberRows)
        let usage = self.usage
        let records: ItemisedRecords = { each in
            for bill in members {
                guard let account = byRow[bill.accountRowID] else { continue }
                let rated = try await usage.billedRecords(of: account, bill: bill)
                try await each(account.account.id, account.account.line.msisdn, rated)
            }
        }
        return (document, records)
    }
}
