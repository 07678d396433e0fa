import SelfCareCore
import SelfCareDocuments
import SelfCareMessaging
import SelfCarePayments
import SelfCareStore

/// Renders the receipt PDF a receipt e-mail carries (`attachment` = `payment:<id>`), in the payer's language.
struct ReceiptAttachments: MailAttachmentProvider {
    let database: Database
    let branding: Branding
    let localizer: Localizer

    func attachments(for message: OutboxMessage) async throws -> [MailAttachment] {
        guard let reference = message.attachment, reference.hasPrefix("payment:") else { return [] }
        let paymentID = String(reference.dropFirst("payment:".count))
        let payments = PaymentRepository()
        let found = try await database.read { db in
            guard let payment = try await payments.payment(id: paymentID, on: db),
                  let receipt = try await payments.receipt(paymentID: paymentID, on: db),
                  let user = try await UserRepository().user(id: payment.userID, on: db)
            else { return nil as (StoredPayment, StoredReceipt, PortalUser, [(billNo: String, accountID: String, amount: Money)])? }
            return (payment, receipt, user, try await payments.allocations(paymentID: paymentID, on: db))
        }
        guard let (payment, receipt, user, allocations) = found else { return [] }
        let document = ReceiptDocument(
            operatorName: branding.operatorName, helpline: branding.helpline, receiptNo: receipt.number, issuedAt: receipt.issuedAt,
            payerName: user.fullName, amount: payment.amount,
            card: payment.cardLast4.map { CardLabel.text(brand: payment.cardBrand, last4: $0) }, paymentID: payment.id, allocations: allocations)
        let language = message.language
        let pdf = try ReceiptPDF.render(document, language: language, labels: { localizer.text($0, language) })
        return [MailAttachment(filename: "\(receipt.number).pdf", contentType: "application/pdf", data: Array(pdf))]
    }
}
