import Foundation
import SelfCareCore

/// What a payment receipt shows.
public struct ReceiptDocument: Sendable {
    public var operatorName: String
    public var helpline: String
    public var receiptNo: String
    public var issuedAt: Date
    public var payerName: String
    public var amount: Money
    /// `visa •••• 4242`.
    public var card: String?
    public var paymentID: String
    public var allocations: [(billNo: String, accountID: String, amount: Money)]
    /// The group bills the payment was for: a company pays its group bill, which the payment spreads over its lines' bills.
    public var groupBills: [(number: String, amount: Money)]
    /// What no bill could take (they were paid meanwhile), kept as a credit of the payer.
    public var credit: Money?

    public init(operatorName: String, helpline: String, receiptNo: String, issuedAt: Date, payerName: String, amount: Money, card: String?,
                paymentID: String, allocations: [(billNo: String, accountID: String, amount: Money)],
                groupBills: [(number: String, amount: Money)] = [], credit: Money? = nil) {
        self.operatorName = operatorName
        self.helpline = helpline
        self.receiptNo = receiptNo
        self.issuedAt = issuedAt
        self.payerName = payerName
        self.amount = amount
        self.card = card
        self.paymentID = paymentID
        self.allocations = allocations
        self.groupBills = groupBills
        self.credit = credit
    }
}

/// A one-page A4 receipt.
public enum ReceiptPDF {
    public static func render(_ receipt: ReceiptDocument, language: Language, labels: (String) -> String) throws -> Data {
        var out = Data()
        let pdf = try PDFWriter(sink: { out.append($0) })
        pdf.beginPage()
        let left = 56.0
        let right = PDFWriter.a4Width - 56
        var y = PDFWriter.a4Height - 70
        pdf.text(receipt.operatorName, x: left, y: y, font: .bold, size: 18)
        pdf.textRightAligned(labels("receipt.title"), right: right, y: y, font: .bold, size: 16)
        y -= 40
        let rows: [(String, String)] = [
            (labels("receipt.number"), receipt.receiptNo),
            (labels("receipt.date"), String(Timestamp.format(receipt.issuedAt).prefix(16)).replacingOccurrences(of: "T", with: " ")),
            (labels("receipt.payer"), receipt.payerName),
            (labels("receipt.card"), receipt.card ?? "—"),
            (labels("receipt.reference"), receipt.paymentID),
        ]
        for (label, value) in rows {
            pdf.text(label, x: left, y: y, size: 10, gray: 0.35)
            pdf.text(value, x: left + 150, y: y, font: .bold, size: 10)
            y -= 18
        }
        y -= 10
        pdf.fillRect(x: left, y: y - 6, width: right - left, height: 22, gray: 0.92)
        pdf.text(labels("receipt.amountPaid"), x: left + 8, y: y, font: .bold, size: 12)
        pdf.textRightAligned(receipt.amount.formatted(language), right: right - 8, y: y, font: .bold, size: 12)
        y -= 36
        for group in receipt.groupBills {
            pdf.text("\(labels("receipt.groupBill")) \(group.number)", x: left, y: y, font: .bold, size: 10)
            pdf.textRightAligned(group.amount.formatted(language), right: right, y: y, font: .bold, size: 10)
            y -= 16
        }
        pdf.text(labels("receipt.appliedTo"), x: left, y: y, font: .bold, size: 10)
        y -= 16
        if !receipt.groupBills.isEmpty {
            // A group bill's payment goes to as many bills as it has lines: the receipt says how many, the portal lists them.
            pdf.text(labels("receipt.spreadOver").replacingOccurrences(of: "{count}", with: "\(receipt.allocations.count)"),
                     x: left, y: y, size: 9.5)
            y -= 14
        }
        for allocation in receipt.groupBills.isEmpty ? receipt.allocations : [] {
            pdf.text("\(labels("receipt.bill")) \(allocation.billNo) · \(labels("receipt.account")) \(AccountID.displayed(allocation.accountID))", x: left, y: y, size: 9.5)
            pdf.textRightAligned(allocation.amount.formatted(language), right: right, y: y, size: 9.5)
            y -= 14
            if y < 80 { break }
        }
        if let credit = receipt.credit {
            pdf.text(labels("receipt.credit"), x: left, y: y, size: 9.5)
            pdf.textRightAligned(credit.formatted(language), right: right, y: y, size: 9.5)
        }
        pdf.text(labels("receipt.thanks").replacingOccurrences(of: "{helpline}", with: receipt.helpline), x: left, y: 60, size: 9, gray: 0.35)
        try pdf.endPage()
        try pdf.finish(title: "\(labels("receipt.title")) \(receipt.receiptNo)", author: receipt.operatorName)
        return out
    }
}
